// "Is it me or LPSE?" — an optional check that runs in the visitor's own browser.
// It tries to reach this status site and each SPSE address, then says in plain words where the
// problem most likely is, next to what the automatic probes last saw. It runs only when the
// visitor presses the button, sends no data anywhere, and the page works fully without it.
(function () {
  "use strict";
  var section = document.querySelector("[data-check]");
  if (!section || !window.fetch || !window.AbortController) return;
  var button = section.querySelector("[data-check-start]");
  var output = section.querySelector("[data-check-result]");
  var messages = JSON.parse(section.querySelector("[data-check-messages]").textContent);
  var timeout = Number(section.getAttribute("data-timeout")) || 8000;
  var OUTAGE = ["major_outage", "partial_outage", "degraded_performance"];

  // Resolves true when the address answers at all (any HTTP status), false on a network error or timeout.
  // "no-cors" is enough: the answer itself stays unreadable, only its arrival counts.
  function reach(url, sameOrigin) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeout);
    var bust = (url.indexOf("?") < 0 ? "?" : "&") + "cek=" + Date.now();
    var options = { mode: sameOrigin ? "same-origin" : "no-cors", cache: "no-store", credentials: "omit",
                    redirect: "follow", signal: controller.signal };
    return fetch(url + bust, options).then(
      function (response) { clearTimeout(timer); return !sameOrigin || response.ok; },
      function () { clearTimeout(timer); return false; }
    );
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  function verdict(selfOk, targetOk, status) {
    if (!selfOk) return "offline";
    if (targetOk) return OUTAGE.indexOf(status) >= 0 ? "reachable_despite" : "reachable";
    if (OUTAGE.indexOf(status) >= 0) return "lpse";
    if (status === "under_maintenance") return "maintenance";
    return status === "operational" ? "yours" : "unknown";
  }

  function run() {
    button.disabled = true;
    output.textContent = messages.running;
    output.removeAttribute("data-verdict");
    var targets = Array.prototype.slice.call(section.querySelectorAll("[data-check-target]"));
    var checks = [reach(section.getAttribute("data-self"), true)].concat(targets.map(function (item) {
      return reach(item.getAttribute("data-check-target"), false);
    }));
    Promise.all(checks).then(function (results) {
      var selfOk = results[0] && navigator.onLine !== false;
      output.textContent = "";
      var verdicts = [];
      targets.forEach(function (item, index) {
        var name = item.getAttribute("data-name");
        var kind = verdict(selfOk, results[index + 1], item.getAttribute("data-status"));
        verdicts.push(kind);
        var line = document.createElement("p");
        line.setAttribute("data-verdict", kind);
        var head = document.createElement("strong");
        head.textContent = fill(results[index + 1] ? messages.reached : messages.not_reached, { name: name }) + " ";
        line.appendChild(head);
        line.appendChild(document.createTextNode(fill(messages[kind], { name: name })));
        output.appendChild(line);
      });
      output.setAttribute("data-verdict", verdicts.join(" "));
      button.textContent = messages.again;
      button.disabled = false;
    });
  }

  button.hidden = false;
  button.addEventListener("click", run);
})();
