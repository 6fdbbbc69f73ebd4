// "Is it me or LPSE?" — an optional check that runs in the visitor's own browser.
// It tries to reach this status site and each SPSE address, then says in plain words where the
// problem most likely is, next to what the automatic probes last saw. It requests nothing until the
// visitor presses the button, sends no data anywhere, and the page works fully without it.
(function () {
  "use strict";
  var section = document.querySelector("[data-check]");
  if (!section || !window.fetch || !window.AbortController || !window.URL) return;
  var button = section.querySelector("[data-check-start]");
  var output = section.querySelector("[data-check-result]");
  var messages = JSON.parse(section.querySelector("[data-check-messages]").textContent);
  var timeout = Number(section.getAttribute("data-timeout")) || 8000;
  var OUTAGE = ["major_outage", "partial_outage", "degraded_performance"];
  var blocked = {};  // origins a Content-Security-Policy kept us from trying: no verdict for those
  var running = false;

  document.addEventListener("securitypolicyviolation", function (event) {
    try { blocked[new URL(event.blockedURI).origin] = true; } catch (ignored) { /* not a URL */ }
  });

  // Resolves true when the address answers at all (any HTTP status), false on a network error or timeout,
  // and null when the browser would refuse the request before sending it (an address it cannot read, one
  // with a user name or password, http:// from an https page): that says nothing about the network.
  // "no-cors" is enough for another site: its answer stays unreadable, only its arrival counts.
  function reach(address, sameOrigin) {
    var url;
    try { url = new URL(address, window.location.href); } catch (ignored) { return Promise.resolve(null); }
    if (url.username || url.password || (window.location.protocol === "https:" && url.protocol === "http:")) {
      return Promise.resolve(null);
    }
    url.searchParams.set("cek", String(Date.now()));
    url.hash = "";
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeout);
    var options = { mode: sameOrigin ? "same-origin" : "no-cors", cache: "no-store", credentials: "omit",
                    redirect: "follow", signal: controller.signal };
    return fetch(url.href, options).then(
      function (response) { clearTimeout(timer); return !sameOrigin || response.ok; },
      function () {
        clearTimeout(timer);
        // A fetch a Content-Security-Policy blocks fails at once, and its "securitypolicyviolation" event is
        // dispatched as a separate task: give it a moment to arrive before the verdict is written.
        return new Promise(function (resolve) { setTimeout(function () { resolve(false); }, 100); });
      }
    );
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  // What the probes said, unless it is too old to compare with: then we cannot tell.
  function probeStatus(item) {
    var status = item.getAttribute("data-status");
    var checked = Number(item.getAttribute("data-checked"));
    var freshFor = Number(section.getAttribute("data-fresh-for"));
    if (!checked || Date.now() - checked > freshFor) return "no_data";
    return status;
  }

  function verdict(selfOk, targetOk, status, isBlocked) {
    if (!selfOk) return "offline";
    if (status === "under_maintenance") return "maintenance";
    if (isBlocked || targetOk === null) return "unknown";
    if (targetOk) return OUTAGE.indexOf(status) >= 0 ? "reachable_despite" : "reachable";
    if (OUTAGE.indexOf(status) >= 0) return "lpse";
    return status === "operational" ? "yours" : "unknown";
  }

  function report(targets, results) {
    var selfOk = results[0] && navigator.onLine !== false;
    var verdicts = [];
    output.textContent = "";
    targets.forEach(function (item, index) {
      var address = item.getAttribute("data-check-target");
      var name = item.getAttribute("data-name");
      var reached = results[index + 1];
      var isBlocked = false;
      try { isBlocked = blocked[new URL(address, window.location.href).origin] === true; } catch (ignored) { /* unread */ }
      var kind = verdict(selfOk, reached, probeStatus(item), isBlocked);
      verdicts.push(kind);
      var line = document.createElement("p");
      line.setAttribute("data-verdict", kind);
      var head = document.createElement("strong");
      var untried = reached === null || isBlocked;
      var said = untried ? messages.not_tried : reached ? messages.reached : messages.not_reached;
      head.textContent = fill(said, { name: name }) + " ";
      line.appendChild(head);
      var text = untried && kind === "unknown" ? messages.untried : messages[kind];
      line.appendChild(document.createTextNode(fill(text, { name: name })));
      output.appendChild(line);
    });
    var help = section.getAttribute("data-help");
    if (help) {
      var link = document.createElement("a");
      link.href = help;
      link.textContent = messages.help;
      var more = document.createElement("p");
      more.appendChild(link);
      output.appendChild(more);
    }
    output.setAttribute("data-verdict", verdicts.join(" "));
  }

  function run() {
    if (running) return;
    running = true;
    button.setAttribute("aria-disabled", "true");  // stays focusable, unlike disabled
    output.textContent = messages.running;
    output.removeAttribute("data-verdict");
    var targets = Array.prototype.slice.call(section.querySelectorAll("[data-check-target]"));
    var checks = [reach(section.getAttribute("data-self"), true)].concat(targets.map(function (item) {
      return reach(item.getAttribute("data-check-target"), false);
    }));
    Promise.all(checks).then(function (results) {
      report(targets, results);
      button.textContent = messages.again;
      button.removeAttribute("aria-disabled");
      running = false;
    });
  }

  button.hidden = false;
  button.addEventListener("click", run);
})();
