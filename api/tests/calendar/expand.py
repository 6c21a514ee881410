"""Reads an iCalendar feed on stdin and prints, as JSON, what an independent reader makes
of it: each event in the window [argv[1], argv[2]) expanded by `recurring-ical-events`
(RRULE, VTIMEZONE/TZID, all-day dates) and the time zones the calendar defines.

Timed instances are printed in UTC (ISO 8601, "Z"); all-day ones as "YYYY-MM-DD"."""

import datetime
import json
import sys

import icalendar
import recurring_ical_events


def when(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise SystemExit(f"floating time {value}: every DTSTART must name its zone")
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def main():
    calendar = icalendar.Calendar.from_ical(sys.stdin.read())
    start = datetime.date.fromisoformat(sys.argv[1])
    end = datetime.date.fromisoformat(sys.argv[2])
    events = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        events.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "url": str(event.get("URL", "")),
                "start": when(event["DTSTART"].dt),
            }
        )
    events.sort(key=lambda e: (e["uid"], e["start"]))
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    print(json.dumps({"events": events, "zones": zones}))


main()
