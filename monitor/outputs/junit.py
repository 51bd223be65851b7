"""JUnit XML: one test case per link, a failure for each status in --fail-on."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..models import REASON_TEXT, Run

# Characters XML 1.0 forbids; hostile titles may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(run: Run, fail_on: Sequence[str], suite: str = "link-health") -> str:
    failures = [r for r in run.results if r.status.value in fail_on and not r.muted]
    skipped = [r for r in run.results if r.status.value in fail_on and r.muted]
    root = ET.Element("testsuites", name=suite, tests=str(len(run.results)),
                      failures=str(len(failures)), errors="0")
    testsuite = ET.SubElement(
        root, "testsuite", name=suite, tests=str(len(run.results)),
        failures=str(len(failures)), errors="0", skipped=str(len(skipped)),
        time=f"{(run.finished_at - run.started_at).total_seconds():.3f}",
        timestamp=run.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    for result in run.results:
        case = ET.SubElement(
            testsuite, "testcase", name=result.id,
            classname=f"links.{result.tags[0]}" if result.tags else "links",
            time=f"{result.elapsed_ms / 1000:.3f}",
        )
        if result.warnings:  # e.g. a certificate about to expire: visible in every CI UI
            props = ET.SubElement(case, "properties")
            for warning in result.warnings:
                ET.SubElement(props, "property", name="warning", value=_clean(warning))
        text = (f"{result.url}\nstatus: {result.status.value} ({result.reason.value})\n"
                f"{result.detail}\nfinal URL: {result.final_url}\ntitle: {result.title or ''}")
        text += "".join(f"\nwarning: {warning}" for warning in result.warnings)
        if result.status.value in fail_on and result.muted:
            ET.SubElement(case, "skipped", message=_clean(
                f"{result.status.value}, muted until {result.muted_until}"
                + (f": {result.mute_note}" if result.mute_note else "")))
            ET.SubElement(case, "system-out").text = _clean(text)
        elif result.status.value in fail_on:
            failure = ET.SubElement(
                case, "failure", type=result.reason.value,
                message=_clean(f"{result.status.value}: {REASON_TEXT[result.reason]}"
                               + (f": {result.detail}" if result.detail else "")),
            )
            failure.text = _clean(text)
        else:
            ET.SubElement(case, "system-out").text = _clean(text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
