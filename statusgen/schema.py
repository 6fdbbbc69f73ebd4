"""What ``status.yml`` and an incident file may say, declared once: every key, how it is read, its bounds,
its default and one line for the reference.

The readers (``config.py``, ``contacts.py``, ``incidents.py``) take their keys, bounds and defaults from
here; the records in ``model.py`` take their defaults from here; unknown-key detection lists these
names; and the reference tables in docs/ are rendered from here (``scripts/reference.py``, checked
by ``tests/test_docs.py``). It imports nothing from the generator, so that a small script
(``scripts/ci/status_changed.py``, run after every probe) can read the defaults without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# How a key's value is read (by config.read_key for the plain kinds; the others have readers of their own):
KINDS = {
    "text": "text",
    "line": "text on one line",
    "localized": "text, or text per language",
    "localized_line": "text on one line, or per language",
    "number": "number",
    "day": "date",
    "flag": "true or false",
    "moment": "date and time",
    "list": "list",
    "mapping": "mapping",
}


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its name, how it is read, its bounds and default, and what it means."""

    name: str
    kind: str  # one of KINDS
    doc: str  # one line, for the reference table
    default: Any = None  # as written in the file (minutes, percent…); None: no default
    low: float | None = None  # bounds of a number, inclusive
    high: float | None = None
    whole: bool = True  # a number must be an integer
    required: str | None = None  # for a required key: an example, shown when it is missing
    shown: str | None = None  # the default as the reference writes it, when it is not a literal

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert self.kind != "number" or (self.low is not None and self.high is not None), self.name

    @property
    def default_text(self) -> str:
        """The default column of the reference."""
        if self.shown is not None:
            return self.shown
        if self.required is not None:
            return "required"
        if self.default is None:
            return "none"
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"  # as YAML writes it
        if isinstance(self.default, tuple):
            return "`[" + ", ".join(str(item) for item in self.default) + "]`"
        if isinstance(self.default, float) and self.default.is_integer():
            return f"`{self.default:g}`"
        return f"`{self.default}`"


class Table:
    """The keys of one kind of mapping, in the order the reference lists them."""

    def __init__(self, name: str, title: str, *keys: Key):
        self.name, self.title, self.keys = name, title, keys
        self._by_name = {key.name: key for key in keys}
        assert len(self._by_name) == len(keys), f"a key of {name} is declared twice"

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    def __getitem__(self, name: str) -> Key:
        return self._by_name[name]

    def default(self, name: str) -> Any:
        return self._by_name[name].default


SITE = Table(
    "site",
    "status.yml",
    Key("title", "localized_line", "the site's name", required="Status Layanan LPSE"),
    Key("short_name", "localized_line", "the organisation's short name in running text, e.g. `LPSE Kabupaten Banjar`",
        shown="`organization.name`, else the title"),
    Key("base_url", "text", "absolute address where the site is published",
        required="https://example.github.io/status/"),
    Key("description", "localized", "a sentence under the banner and in the page description"),
    Key("timezone", "text", "IANA time zone of days, of times written without an offset, and of everything shown",
        default="Asia/Jakarta"),
    Key("history_start", "day", "first day of the uptime history and of the yearly history pages",
        shown="the day of the first record"),
    Key("max_gap", "number", "minutes one probe sample vouches for at most", default=15, low=1, high=24 * 60),
    Key("stale_after", "number", "minutes after which the newest probe sample no longer tells the current status",
        default=30, low=1, high=7 * 24 * 60),
    Key("sla_target", "number", "monthly SLA target in percent; a component may set its own",
        default=99.5, low=0, high=100, whole=False),
    Key("organization", "mapping", "who runs the service, printed at the top of outage records (see organization)"),
    Key("signatory", "mapping", "the officer who signs outage records (see signatory)", shown="`role: Kepala LPSE`"),
    Key("languages", "list", "the page's languages, the default first, each with a catalogue in templates/locales",
        default=("id", "en")),
    Key("help", "mapping", "the \"need help?\" section and the browser check (see help)"),
    Key("vantages", "list", "the places probes run from (see vantage)",
        shown="one public place, `github`: GitHub's hosted runners"),
    Key("notify", "list", "the channels `generate.py notify` sends to: Telegram, e-mail, webhooks… (see notify)"),
    Key("instances", "mapping", "many LPSEs of one kind from a CSV file, each a component (see instances)"),
    Key("components", "list", "the services, in display order (see component)",
        required="[{id: spse, name: SPSE}]"),
)  # fmt: skip

COMPONENT = Table(
    "component",
    "each of components",
    Key("id", "text", "`[a-z0-9-]+`, unique; incident files refer to it", required="spse"),
    Key("name", "localized_line", "shown to readers", shown="the id"),
    Key("group", "localized_line", "heading the component is shown under; groups appear in config order"),
    Key("since", "day", "the component's history starts at the later of `history_start` and this day"),
    Key("description", "localized", "a line under the name"),
    Key("url", "text", "the service's own address, shown on its page"),
    Key("probe", "mapping", "how `generate.py probe` checks it (see probe)"),
    Key("sla_target", "number", "this component's monthly SLA target, in percent",
        low=0, high=100, whole=False, shown="the site's"),
)  # fmt: skip

PROBE = Table(
    "probe",
    "a component's probe",
    Key("url", "text", "the address requested", required="https://lpse.example.org/eproc4"),
    Key("targets", "list", "instead of `url`: several addresses, down only when every one fails (an uplink)"),
    Key("from", "list", "ids of the vantages that probe it", shown="every public vantage"),
    Key("method", "text", "GET, HEAD or POST", default="GET"),
    Key("expect_status", "list", "HTTP status codes that count as up", shown="any 2xx or 3xx after redirects"),
    Key("keyword", "text", "text that must occur in the first 1 MiB of the body"),
    Key("timeout", "number", "seconds for a whole attempt: name lookup, request, body, certificate",
        default=10.0, low=0.1, high=120, whole=False),
    Key("degraded_ms", "number", "a success slower than this many milliseconds is degraded", low=1, high=600_000),
    Key("retries", "number", "how often a failure is tried again before it counts", default=1, low=0, high=5),
    Key("bandwidth", "mapping", "also measure the link's throughput (see bandwidth)"),
)  # fmt: skip

VANTAGE = Table(
    "vantage",
    "each of vantages",
    Key("id", "text", "`[a-z0-9-]+`, unique; `probe --vantage` and a probe's `from` name it", required="kantor"),
    Key("name", "localized_line", "the place, as readers see it", shown="the id"),
    Key("kind", "text", "`public`: a place on the internet, like a vendor; `inside`: inside the organisation's "
        "network, which explains rather than votes", default="public"),
    Key("uplink", "text", "an inside place: the component whose probe (`targets`) tells whether its link to the "
        "internet works"),
    Key("source", "text", "a place that runs on its own machine: the git address of the repository it pushes its "
        "samples to, from which the hosted probe copies them into the history"),
)  # fmt: skip

BANDWIDTH = Table(
    "bandwidth",
    "a probe's bandwidth",
    Key("url", "text", "a large file downloaded to measure", required="https://speed.example.net/25MB.bin"),
    Key("upload_url", "text", "an address that accepts a POST of data, to measure the upload too"),
    Key("target_mbps", "number", "the throughput promised, in megabits per second", required="40",
        low=0.001, high=100_000, whole=False),
    Key("every", "number", "minutes between measurements", default=60, low=5, high=24 * 60),
    Key("seconds", "number", "a measurement's length at most, per direction", default=10, low=1, high=60,
        whole=False),
    Key("megabytes", "number", "data moved at most, per direction", default=50, low=1, high=1000),
)  # fmt: skip

INSTANCES = Table(
    "instances",
    "instances",
    Key("file", "text", "a CSV file beside status.yml with the columns `code,name,province` and optionally `url`, "
        "`source` (where the code was confirmed) and `confirmed` (`yes`, or `no`: left out)",
        required="instances/lpse.csv"),
    Key("url", "text", "the address of an instance, `{code}` standing for its code; a row's `url` overrides it",
        default="https://spse.inaproc.id/{code}/"),
    Key("keyword", "text", "text the probe must find in the first 1 MiB of each instance's page"),
    Key("timeout", "number", "seconds for a whole attempt at an instance", default=10.0, low=0.1, high=120,
        whole=False),
    Key("retries", "number", "how often a failure of an instance is tried again before it counts", default=1, low=0,
        high=5),
    Key("group", "localized_line", "the heading instances are listed under, `{province}` standing for the row's "
        "province", default="{province}"),
    Key("group_by", "text", "what groups the instances: `province`", default="province"),
)  # fmt: skip

NOTIFY = Table(
    "notify",
    "each of notify",
    Key("name", "text", "`[a-z0-9-]+`, unique; the record of what was sent names the channel by it",
        required="telegram"),
    Key("url_env", "text", "the environment variable (an Actions secret) holding the channel's Apprise URL, e.g. "
        "`tgram://<token>/<chat>`; unset or empty: the channel is off", required="NOTIFY_TELEGRAM"),
    Key("title", "localized_line", "the channel as readers see it in the Subscribe section", shown="the name"),
    Key("language", "text", "the language of its messages, one of `languages`", shown="the site's first language"),
    Key("send", "list", "what it gets: `outages` (the probes' verdict going down and coming back), `updates` "
        "(incidents: new, each update, resolved), `maintenance` (a reminder, the start and the end)",
        default=("outages", "updates", "maintenance")),
    Key("components", "list", "ids of the components it is about", shown="every component"),
    Key("remind_before", "number", "minutes before a maintenance starts that its reminder is sent; 0: none",
        default=1440, low=0, high=14 * 24 * 60),
    Key("join", "localized", "how a reader joins the channel, shown in the Subscribe section; absent: not shown "
        "(a channel for staff)"),
    Key("join_url", "text", "the address a reader joins at, linked beside `join`"),
)  # fmt: skip

ORGANIZATION = Table(
    "organization",
    "organization",
    Key("name", "line", "the organisation's name", shown="the title"),
    Key("address", "text", "its postal address"),
    Key("city", "line", "the city written before the date of signing"),
)

SIGNATORY = Table(
    "signatory",
    "signatory",
    Key("role", "line", "the signing officer's position", default="Kepala LPSE"),
    Key("name", "line", "the officer's name; without one the line is left for a handwritten name"),
    Key("id_number", "line", "the officer's staff number (NIP)"),
)

HELP = Table(
    "help",
    "help",
    Key("helpdesk", "mapping", "reporting a problem directly to the organisation (a contact)"),
    Key("bidding_room", "mapping", "the room with computers for vendors who cannot upload (a contact)"),
    Key("lkpp", "mapping", "central help, the LKPP call centre (a contact)"),
    Key("check", "list", "probed components whose `url` the visitor's browser tries to reach (https on an https site)"),
)

CONTACT = Table(
    "contact",
    "a contact in help",
    Key("name", "localized_line", "who or what it is"),
    Key("email", "text", "an e-mail address"),
    Key("phone", "text", "shown as written, dialled as its digits"),
    Key("address", "localized", "where it is"),
    Key("hours", "localized", "when it is open"),
    Key("url", "text", "a web address"),
    Key("note", "localized", "anything else a reader should know"),
)

INCIDENT = Table(
    "incident",
    "an incident file's front matter",
    Key("title", "line", "what happened, in a few words", required="SPSE tidak dapat diakses"),
    Key("components", "list", "ids of the affected components from status.yml", required="[spse]"),
    Key("severity", "text", "major, partial, degraded, maintenance or notice; a false alarm may leave it out (notice)",
        required="major"),
    Key("cause", "text", "internal, or external: outside the organisation's control", default="internal"),
    Key("started", "moment", "when it began; for maintenance, the planned start", required="2026-01-01 08:00"),
    Key("resolved", "moment", "when it ended (absent: ongoing); for maintenance, the planned end, required"),
    Key("updates", "list", "the timeline, in any order (see update)"),
    Key("false_alarm", "flag", "the probes were wrong: their failures in this window count nowhere",
        default=False),
)  # fmt: skip

UPDATE = Table(
    "update",
    "each of updates",
    Key("at", "moment", "when it was written", required="2026-01-01 08:15"),
    Key("status", "text", "investigating, identified, monitoring or resolved; for maintenance scheduled, "
        "in_progress or completed", required="investigating"),
    Key("message", "localized", "Markdown text", required="Sedang ditangani."),
)  # fmt: skip

TRANSLATION = Table(
    "translation",
    "a language block (e.g. en:) of an incident",
    Key("title", "line", "the title in that language"),
    Key("body", "text", "the body in that language"),
    Key("updates", "list", "the updates' messages in that language, matched by `at` (and `status`)"),
)

TABLES = (
    SITE, COMPONENT, INSTANCES, PROBE, BANDWIDTH, VANTAGE, NOTIFY, ORGANIZATION, SIGNATORY, HELP, CONTACT, INCIDENT,
    UPDATE, TRANSLATION,
)  # fmt: skip

# Defaults that more than the readers need, by the names the rest of the code uses.
MAX_GAP: int = SITE.default("max_gap")
STALE_AFTER: int = SITE.default("stale_after")
HOME_VANTAGE = "github"  # the place of the hosted scheduled probe; its samples are in history/<component>/
KINDS_OF_VANTAGE = ("public", "inside")
KINDS_OF_NOTICE = ("outages", "updates", "maintenance")
INSTANCE_COLUMNS = (
    "code",
    "name",
    "province",
    "url",
    "source",
    "confirmed",
)  # the first three are required  # what a channel's ``send`` may list


def reference(table: Table) -> str:
    """The Markdown table of ``table``'s keys, as docs/configuration.md and docs/incidents.md show it."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for key in table.keys:
        kind = KINDS[key.kind]
        if key.kind == "number":
            kind = f"{'whole number' if key.whole else 'number'}, {key.low:g} to {key.high:g}"
        lines.append(f"| `{key.name}` | {kind} | {key.default_text} | {key.doc} |")
    return "\n".join(lines) + "\n"
