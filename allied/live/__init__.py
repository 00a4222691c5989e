"""Live pages' plumbing: announce that a channel's state has a newer version, wait for one,
and stream the announcements to browsers as server-sent events. See allied/live/bus.py and
docs/decisions/0005-real-time.md; the browser half is allied/web/static/allied/live.js."""

from allied.live.bus import announce, event_stream_response, requested_since, wait_for_version

__all__ = ["announce", "event_stream_response", "requested_since", "wait_for_version"]
