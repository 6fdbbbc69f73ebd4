"""What ``generate.py notify`` tells the channels: the notices due at a moment, and their words.

A notice is worked out from the inputs alone, never from a run's memory, so every run finds the same
notices with the same ids; the record of what was sent (notify.py) is all that keeps one from going twice.

- ``outages``: a probed component whose verdict, as the page decides it (every place's newest fresh
  sample, verdict.py), turns to an outage, and turns back. Each turn is dated by the sample that made it.
- ``updates``: an incident: new, each update, resolved.
- ``maintenance``: a reminder ``remind_before`` ahead, the start, and the end.

Each notice has a time it is due (``at``) and a time after which it is no use (``until``): a reminder after the
maintenance began, an outage after it ended, anything a day old. A notice is never sent late.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from .i18n import Language, translated
from .model import Channel, Component, ComponentHistory, Config, Incident, ProbeSample, Update, place_folder
from .status import is_active
from .verdict import reading, verdict

DAY = timedelta(days=1)
HORIZON = DAY  # a notice older than this is news no longer
LOOKBACK = 2 * DAY  # probe history read back from now: the turns of the last day, and the state before them
FAILING = ("major_outage", "partial_outage")
LONGEST = 600  # characters of an update's text quoted in a message
PROBE_EVENTS = ("outage", "partial", "recovery")
INCIDENT_EVENTS = ("new", "update", "resolved")
MAINTENANCE_EVENTS = ("reminder", "start", "end")


@dataclass(frozen=True)
class Notice:
    """One thing to tell: ``event`` is outage, partial, recovery, new, update, resolved, reminder, start or end."""

    id: str
    kind: str  # of schema.KINDS_OF_NOTICE: what a channel's ``send`` must list to get it
    event: str
    at: datetime  # due from
    until: datetime  # no use from
    components: tuple[str, ...]
    incident: Incident | None = None
    update: Update | None = None
    since: datetime | None = None  # a recovery: when the outage began, when known
    places: tuple[str, ...] = ()  # a partial outage: the places that cannot reach it

    def due(self, now: datetime) -> bool:
        return self.at <= now < self.until


def notices(config: Config, incidents: Sequence[Incident], history: Mapping[str, ComponentHistory],
            now: datetime) -> list[Notice]:  # fmt: skip
    """Every notice of the probes' last days and of the incidents (reminders aside: each channel has its own,
    see reminders), oldest first; Notice.due tells which are due at ``now``."""
    found: list[Notice] = []
    for component in config.components:
        if component.probe is not None:
            found += turns(config, component, incidents, history, now)
    for incident in incidents:
        found += _maintenance(incident) if incident.is_maintenance else _incident(incident)
    return sorted(found, key=attrgetter("at", "id"))


def reminders(channel: Channel, incidents: Sequence[Incident]) -> list[Notice]:
    """The channel's reminder of each maintenance: ``remind_before`` ahead of its start, no use once it began."""
    if not channel.remind_before:
        return []
    lead = timedelta(seconds=channel.remind_before)
    return [
        Notice(f"maintenance:{i.slug}:reminder", "maintenance", "reminder", i.started - lead, i.started,
               i.components, i)
        for i in incidents
        if i.is_maintenance
    ]  # fmt: skip


def turns(
    config: Config,
    component: Component,
    incidents: Sequence[Incident],
    history: Mapping[str, ComponentHistory],
    now: datetime,
) -> list[Notice]:
    """The turns of a component's probe verdict to an outage and back, in the last LOOKBACK.

    The verdict is worked out at each sample of any place, as the page would have shown it then. A time the
    verdict cannot tell (no fresh sample) or a maintenance explains changes nothing; a false alarm makes a
    failure none. The first verdict found is where things stood, not a turn: only a change is a notice.
    """
    places = config.places(component)
    samples = {v.id: history.get(place_folder(component.id, v.id), ComponentHistory()).samples for v in places}
    limit = int(now.timestamp())
    start = limit - int(LOOKBACK.total_seconds())
    moments = sorted({s.time for series in samples.values() for s in series if start <= s.time <= limit})
    own = [i for i in incidents if component.id in i.components]
    found: list[Notice] = []
    failing: bool | None = None  # as last told; None: nothing told yet
    since: datetime | None = None
    for moment in moments:
        when = datetime.fromtimestamp(moment, UTC)
        active = [i for i in own if is_active(i, when)]
        if any(i.is_maintenance for i in active):
            continue
        readings = [reading(v.id, v.public, _newest(samples[v.id], moment), moment, config.stale_after) for v in places]
        said = verdict(readings)
        if said.status == "no_data":
            continue
        now_failing = said.status in FAILING and not any(i.false_alarm for i in active)
        if failing is not None and now_failing != failing:
            stamp = when.strftime("%Y%m%dT%H%M%SZ")
            if now_failing:
                event = "partial" if said.status == "partial_outage" else "outage"
                found.append(Notice(f"outage:{component.id}:{stamp}", "outages", event, when, when + HORIZON,
                                    (component.id,), places=said.down_from))  # fmt: skip
                since = when
            else:
                if found and found[-1].event != "recovery":  # an outage told, and over now: no use telling it
                    found[-1] = _ended(found[-1], when)
                found.append(Notice(f"recovery:{component.id}:{stamp}", "outages", "recovery", when, when + HORIZON,
                                    (component.id,), since=since))  # fmt: skip
                since = None
        failing = now_failing
    return found


def _ended(notice: Notice, when: datetime) -> Notice:
    return Notice(notice.id, notice.kind, notice.event, notice.at, min(notice.until, when), notice.components,
                  places=notice.places)  # fmt: skip


def _newest(samples: tuple[ProbeSample, ...], moment: int) -> ProbeSample | None:
    index = bisect.bisect_right(samples, moment, key=attrgetter("time"))
    return samples[index - 1] if index else None


def _incident(incident: Incident) -> list[Notice]:
    """An incident's notices: new (with its first update), each later update, and resolved."""
    updates = sorted(incident.updates, key=attrgetter("at"))
    first = updates[0] if updates else None
    ids = incident.components
    found = [Notice(f"incident:{incident.slug}:new", "updates", "new", first.at if first else incident.started,
                    (first.at if first else incident.started) + HORIZON, ids, incident, first)]  # fmt: skip
    closing = next((u for u in updates if u.status == "resolved"), None)
    for update in updates[1:]:
        if update is closing:
            continue
        stamp = update.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        found.append(Notice(f"incident:{incident.slug}:update:{stamp}", "updates", "update", update.at,
                            update.at + HORIZON, ids, incident, update))  # fmt: skip
    if incident.resolved is not None and (closing is None or closing is not first):
        at = closing.at if closing else incident.resolved
        found.append(Notice(f"incident:{incident.slug}:resolved", "updates", "resolved", at, at + HORIZON, ids,
                            incident, closing))  # fmt: skip
    return found


def _maintenance(incident: Incident) -> list[Notice]:
    """A maintenance's start and end (its reminder is each channel's: see reminders)."""
    start, end = incident.started, incident.resolved
    ids = incident.components
    until = min(end, start + HORIZON) if end is not None else start + HORIZON
    found = [Notice(f"maintenance:{incident.slug}:start", "maintenance", "start", start, until, ids, incident)]
    if end is not None:
        found.append(Notice(f"maintenance:{incident.slug}:end", "maintenance", "end", end, end + HORIZON, ids,
                            incident))  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------------------
# The words


def words(notice: Notice, config: Config, lang: Language) -> tuple[str, str]:
    """The title and the body of ``notice`` in ``lang``: plain text, short, times in the site's zone."""
    tz = config.timezone
    names = ", ".join(_name(config, cid, lang.code) for cid in notice.components)
    when = lang.long_datetime(notice.at, tz)
    lines: list[str] = []
    if notice.incident is None:  # a probe's turn
        title = lang.t(f"notify_title.{notice.event}", subject=names)
        if notice.event == "recovery" and notice.since is not None:
            lines.append(lang.t("notify.recovery_after", components=names, time=when,
                                duration=lang.duration((notice.at - notice.since).total_seconds())))  # fmt: skip
        elif notice.event == "partial":
            places = ", ".join(translated(config.vantage(p).name, lang.code)[0] for p in notice.places)
            lines.append(lang.t("notify.partial", components=names, time=when, places=places))
        else:
            lines.append(lang.t(f"notify_probe.{notice.event}", components=names, time=when))
        lines.append(lang.t("notify.probes", site=translated(config.short_name, lang.code)[0]))
        link = config.base_url + lang.prefix + f"components/{notice.components[0]}/"
    else:
        incident = notice.incident
        heading = translated(incident.title, lang.code)[0]
        title = lang.t(f"notify_title.{notice.event}", subject=heading)
        if incident.is_maintenance:
            start = lang.long_datetime(incident.started, tz)
            end = lang.long_datetime(incident.resolved, tz) if incident.resolved else "–"
            lines.append(lang.t(f"notify_maintenance.{notice.event}", start=start, end=end))
        else:
            state = lang.t(f"update_status.{notice.update.status}") if notice.update else lang.t("phase.ongoing")
            lines.append(f"{state} · {when}")
            text = translated(notice.update.message, lang.code)[0] if notice.update else ""
            if text.strip():
                lines.append(_shortened(text.strip()))
        lines.append(lang.t("notify.services", components=names))
        link = config.base_url + lang.prefix + f"incidents/{incident.slug}/"
    lines.append(link)
    return title, "\n".join(lines)


def _name(config: Config, component_id: str, code: str) -> str:
    component = next((c for c in config.components if c.id == component_id), None)
    return translated(component.name, code)[0] if component else component_id


def _shortened(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"
