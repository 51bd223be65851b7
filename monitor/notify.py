"""Tell someone about confirmed state changes: a JSON webhook (built in) or Apprise (extra).

Sent: `Outcome.changes` (a status change confirmed across `confirm_runs` runs), never every
failing run; and the run's other news (`news.py`): a source article's confirmed link changes
and warnings new since the last run. Nothing about a muted resource. Secrets stay out of
resources.toml (`url_env` names an environment variable) and out of logs (only the scheme and
host of a URL are ever printed). A failed notification is logged and never fails the run or
changes its exit code.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from .config import Config, Notifier
from .models import LinkChange, Result, Run, SourceReport, Status
from .news import CHANGE_KINDS, LINK, SOURCE, WARNING, News, collect, without_muted
from .outputs.jsonout import result_dict, run_header, source_dict, utc_iso
from .pipeline import Outcome, delivery_key
from .safetext import clean_text, display_result, display_source, display_text, display_url
from .store import Store
from .streak import Change

log = logging.getLogger("monitor.notify")
APPRISE_HINT = "pip install 'curated-link-monitor[apprise]'"
#: Retry on these answers as on network errors; other 4xx mean our request is wrong.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


Pending = Sequence[tuple[Change, Result | None]]  # a change and the result that confirmed it


def _payload(pending: Pending, run: Run, news: Sequence[News] = ()) -> dict[str, Any]:
    changes = []
    for change, result in pending:
        full = result_dict(display_result(result)) if result is not None else {}
        changes.append({
            "id": change.resource_id,
            "name": full.get("name", change.resource_id),
            "url": full.get("url"),
            "old": change.old.value if change.old else None,
            "new": change.new.value,
            "since": utc_iso(change.since),
            "reason": full.get("reason"),
            "detail": full.get("detail", ""),
            "final_url": full.get("final_url"),
        })
    return {"event": "status-change" if changes else "news", "changes": changes,
            "sources": _source_entries(news), "warnings": _warning_entries(news),
            "run": run_header(run)}


def _source_entries(news: Sequence[News]) -> list[dict[str, Any]]:
    """Per source article, its news (possibly queued by several runs), in the JSON output's
    `sources` shape, made safe by `safetext.display_source` like every other output."""
    heads: dict[str, dict[str, Any]] = {}
    changes: dict[str, dict[str, list[LinkChange]]] = {}
    changed: set[str] = set()
    for item in news:
        if item.kind not in (LINK, SOURCE):
            continue
        if item.kind == SOURCE or item.subject not in heads:
            heads[item.subject] = item.body["source"]  # the article as its news last saw it
        found = changes.setdefault(item.subject, {kind: [] for kind in CHANGE_KINDS})
        if item.kind == SOURCE:
            changed.add(item.subject)
        else:
            link = item.body["link"]
            found[item.body["change"]].append(LinkChange(
                link["url"], link["text"], datetime.fromisoformat(link["since"]), streak=0,
                confirmed=True, news=True, resource_id=item.resource_id))
    entries = []
    for source_id, head in heads.items():
        found = changes[source_id]
        report = display_source(SourceReport(
            id=source_id, name=head["name"], url=head["url"], status=Status(head["status"]),
            detail=head["detail"], added=tuple(found["added"]),
            removed=tuple(found["removed"]), unlinked=tuple(found["unlinked"])))
        full = source_dict(report)
        entries.append({key: full[key] for key in ("id", "name", "url", "status", "detail")}
                       | {"status_changed": source_id in changed}
                       | {kind: [{key: c[key] for key in ("url", "text", "since", "resource_id")}
                                 for c in full[kind]] for kind in CHANGE_KINDS})
    return entries


def _warning_entries(news: Sequence[News]) -> list[dict[str, Any]]:
    return [{
        "id": item.subject, "name": clean_text(str(item.body.get("name") or item.subject)),
        "url": display_url(item.body["url"]) if item.body.get("url") else None,
        "warning": display_text(str(item.body.get("warning", ""))),
    } for item in news if item.kind == WARNING]


def build_payload(outcome: Outcome) -> dict[str, Any]:
    """The webhook body: one entry per confirmed change, the run's news (source-article
    changes, new warnings; nothing about a muted resource), and the run's summary."""
    by_id = _changed(outcome)
    return _payload([(c, by_id.get(c.resource_id)) for c in outcome.changes], outcome.run,
                    _outcome_news(outcome))


def _changed(outcome: Outcome) -> dict[str, Result]:
    """The results of the resources whose change is announced (one pass, few kept)."""
    wanted = {change.resource_id for change in outcome.changes}
    return {r.id: r for r in outcome.run.results if r.id in wanted} if wanted else {}


def _outcome_news(outcome: Outcome) -> tuple[News, ...]:
    return without_muted(collect(outcome.run, outcome.new_warnings), outcome.run)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def describe_payload(payload: dict[str, Any]) -> tuple[str, str]:
    """A title and a plain-text body, for people (Apprise targets: mail, chat)."""
    sources = payload.get("sources") or []
    warnings = payload.get("warnings") or []
    count = len(payload["changes"])
    links = sum(sum(len(s[kind]) for kind in CHANGE_KINDS) + s["status_changed"]
                for s in sources)
    parts = [f"{_plural(count, 'link')} changed status"] if count or not (sources or warnings) \
        else []
    if sources:
        parts.append(f"{_plural(links, 'change')} in source articles")
    if warnings:
        parts.append(f"{_plural(len(warnings), 'new warning')}")
    title = "monitor: " + ", ".join(parts)
    lines = []
    for entry in payload["changes"]:
        old = entry["old"] or "new"
        lines.append(f"{entry['name']}: {old} -> {entry['new']} ({entry['reason']})")
        if entry["detail"]:
            lines.append(f"  {entry['detail']}")
        lines.append(f"  {entry['url']}")
    for source in sources:
        if source["status_changed"]:
            state = "readable again" if source["status"] == "ok" else \
                f"could not be read: {source['status']} ({source['detail']})"
            lines.append(f"Source {source['name']}: {state}")
        for mark, label, kind in (("!", "no longer linked", "unlinked"),
                                  ("+", "added", "added"), ("-", "removed", "removed")):
            for change in source[kind]:
                what = f"resource {change['resource_id']}" if change["resource_id"] \
                    else (change["text"] or "(no text)")
                lines.append(f"Source {source['name']}: {mark} {label}: {what}")
                lines.append(f"  {change['url']}")
    for warning in warnings:
        lines.append(f"{warning['name']}: warning: {warning['warning']}")
        if warning["url"]:
            lines.append(f"  {warning['url']}")
    return title, "\n".join(lines)


def describe(outcome: Outcome) -> tuple[str, str]:
    return describe_payload(build_payload(outcome))


def redact(url: str) -> str:
    """scheme://host only: webhook URLs often carry their token in the path or query."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed '[': say nothing about it
        return "(malformed url)"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}/…" if parts.scheme else "(url)"


def resolve_url(notifier: Notifier, env: Mapping[str, str]) -> str | None:
    if notifier.url:
        return notifier.url
    value = env.get(notifier.url_env or "", "").strip()
    return value or None


def _where(notifier: Notifier) -> str:
    line = f" (resources.toml line {notifier.line})" if notifier.line else ""
    return f"{notifier.type} notifier{line}"


def send_webhook(
    url: str,
    payload: dict[str, Any],
    notifier: Notifier,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    user_agent: str | None = None,
) -> bool:
    """POST the payload; retry transient failures with backoff. True when delivered."""
    attempts = notifier.retries + 1
    problem = ""
    headers = {"User-Agent": user_agent} if user_agent else None
    with httpx.Client(timeout=notifier.timeout, transport=transport, headers=headers,
                      follow_redirects=False) as client:
        for attempt in range(attempts):
            if attempt:
                sleep(min(0.5 * 2 ** (attempt - 1), 10.0))
            try:
                response = client.post(url, json=payload)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}"
                continue
            if response.is_success:
                return True
            problem = f"HTTP {response.status_code}"
            if response.status_code not in RETRY_STATUSES:
                break
    log.warning("%s: could not deliver to %s after %d attempt(s): %s",
                _where(notifier), redact(url), attempt + 1, problem)
    return False


def send_apprise(urls: str, payload: dict[str, Any], notifier: Notifier) -> bool:
    try:
        import apprise  # optional extra, imported only when configured
    except ImportError:
        log.warning("%s: skipped: the apprise package is not installed (%s)",
                    _where(notifier), APPRISE_HINT)
        return False
    sender = apprise.Apprise()
    added = [sender.add(url) for url in urls.replace(",", " ").split()]
    if not any(added):
        log.warning("%s: no valid Apprise URL in its url/url_env", _where(notifier))
        return False
    title, body = describe_payload(payload)
    if not sender.notify(title=title, body=body):
        log.warning("%s: Apprise reported a delivery failure", _where(notifier))
        return False
    return True


Queued = dict[str, list[tuple[int | None, Change, Result | None]]]
QueuedNews = dict[str, list[tuple[int | None, News]]]


def _queued(config: Config, outcome: Outcome, store: Store | None
            ) -> tuple[Queued, QueuedNews]:
    """Per delivery key: what to send. With a store, everything undelivered in its outbox
    (this run's and earlier ones that could not be announced) but what concerns a resource
    muted by now, which is marked done unsent; without, this run's."""
    queued: Queued = defaultdict(list)
    news: QueuedNews = defaultdict(list)
    if store is None:
        by_id = _changed(outcome)
        fresh = _outcome_news(outcome)
        for notifier in config.notifiers:
            queued[delivery_key(notifier)] = [
                (None, c, by_id.get(c.resource_id)) for c in outcome.changes]
            news[delivery_key(notifier)] = [(None, item) for item in fresh]
    else:
        muted = {result.id for result in outcome.run.results if result.muted}
        skipped_changes, skipped_news = [], []
        for notice in store.pending_notices():
            if notice.change.resource_id in muted:
                skipped_changes.append(notice.id)
            else:
                queued[notice.target].append((notice.id, notice.change, notice.result))
        for item in store.pending_news():
            if item.news.resource_id in muted:
                skipped_news.append(item.id)
            else:
                news[item.target].append((item.id, item.news))
        if skipped_changes or skipped_news:
            now = datetime.now(UTC)
            store.mark_delivered(skipped_changes, now)
            store.mark_news_delivered(skipped_news, now)
            log.info("%d queued notification(s) left unsent: their resource is muted now",
                     len(skipped_changes) + len(skipped_news))
    return queued, news


def notify(
    config: Config,
    outcome: Outcome,
    *,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    store: Store | None = None,
) -> int:
    """Send confirmed changes to every [[notify]] target; returns how many succeeded.

    With `store`, what is sent is the target's queue in the history (see Store.record_run)
    and what was delivered is marked so; what was not stays queued for the next run.
    Never raises for delivery problems: they are logged (stderr) and the run goes on.
    """
    if not config.notifiers:
        return 0
    queued, news = _queued(config, outcome, store)
    env = os.environ if env is None else env
    delivered = 0
    for notifier in config.notifiers:
        items = queued.get(delivery_key(notifier), [])
        extra = news.get(delivery_key(notifier), [])
        if not items and not extra:
            continue
        payload = _payload([(change, result) for _, change, result in items], outcome.run,
                           [item for _, item in extra])
        what = f"{len(items)} change(s)" + (f" and {len(extra)} news item(s)" if extra else "")
        if _send(config, notifier, payload, env, transport, sleep):
            delivered += 1
            log.info("%s: sent %s", _where(notifier), what)
            if store is not None:
                now = datetime.now(UTC)
                store.mark_delivered([i for i, _, _ in items if i is not None], now)
                store.mark_news_delivered([i for i, _ in extra if i is not None], now)
        elif store is not None:
            log.warning("%s: %s kept to send again after the next run", _where(notifier), what)
    return delivered


def _send(config: Config, notifier: Notifier, payload: dict[str, Any],
          env: Mapping[str, str], transport: httpx.BaseTransport | None,
          sleep: Callable[[float], None]) -> bool:
    url = resolve_url(notifier, env)
    if url is None:
        log.warning("%s: skipped: environment variable %s is not set",
                    _where(notifier), notifier.url_env)
        return False
    try:
        if notifier.type == "apprise":
            return send_apprise(url, payload, notifier)
        return send_webhook(url, payload, notifier, transport=transport, sleep=sleep,
                            user_agent=config.settings.user_agent)
    except Exception as exc:  # a notifier must never take the run down with it
        # Never the exception's text: for a malformed URL it quotes the URL's pieces
        # (a token in the port, the path...), and the URL is a secret.
        why = " (the URL is malformed)" if isinstance(exc, httpx.InvalidURL | ValueError) else ""
        log.warning("%s: failed: %s%s; URL %s", _where(notifier), type(exc).__name__, why,
                    redact(url))
        return False
