"""Curated-content judgement end to end: drift, accept, keywords, soft-404s, parking, homepage
redirects, challenges, certificate expiry, confirmation across runs, offline runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main

from loopback import LoopbackWeb, article


def res(rid: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "name": rid, "url": url, **extra}


def test_small_title_edit_is_ok_big_change_is_drifted(web: LoopbackWeb, run_check: Any) -> None:
    small = web.set_page("/small", article("Exercises for Spinal Stenosis | Spine-health 2026"))
    big = web.set_page("/big", article("Best Online Casino Bonuses"))
    run = run_check([
        res("small", small, expected_title="Exercises for Spinal Stenosis"),
        res("big", big, expected_title="Exercises for Spinal Stenosis"),
    ])
    assert run.result("small")["status"] == "ok"
    big_result = run.result("big")
    assert (big_result["status"], big_result["reason"]) == ("drifted", "title-changed")
    assert "Exercises for Spinal Stenosis" in big_result["detail"]
    assert "Best Online Casino Bonuses" in big_result["detail"]


def test_learned_baseline_then_drift_then_accept(
    web: LoopbackWeb, run_check: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = web.set_page("/learn", article("Lumbar Stenosis Exercise Guide"))
    resources = [res("page", url)]
    first = run_check(resources).result("page")
    assert first["status"] == "ok" and first["expected_title"] is None
    web.set_page("/learn", article("Knee Surgery Recovery Timeline"))
    drifted = run_check(resources).result("page")
    assert (drifted["status"], drifted["reason"]) == ("drifted", "title-changed")
    assert drifted["expected_title"] == "Lumbar Stenosis Exercise Guide"

    config = str(tmp_path / "resources.toml")
    assert main(["accept", "-c", config, "page"]) == 0
    assert "accepted 'Knee Surgery Recovery Timeline'" in capsys.readouterr().out
    assert main(["baseline", "-c", config]) == 0
    assert "accepted\t'Knee Surgery Recovery Timeline'" in capsys.readouterr().out
    assert run_check(resources).result("page")["status"] == "ok"


def test_accept_needs_ids_or_all(tmp_path: Path, web: LoopbackWeb, run_check: Any) -> None:
    run_check([res("a", web.url("/ok"))])
    config = str(tmp_path / "resources.toml")
    assert main(["accept", "-c", config]) == 2
    assert main(["accept", "-c", config, "nope"]) == 2
    assert main(["accept", "-c", config, "--all"]) == 0


def test_missing_keyword_is_drifted_and_named(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/kw", article("Stenosis", extra="<script>var laminectomy;</script>"))
    result = run_check([res("k", url, keywords=["stenosis", "laminectomy"])]).result("k")
    assert (result["status"], result["reason"]) == ("drifted", "keyword-missing")
    assert "laminectomy" in result["detail"]


def test_soft_404_page(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/gone", article("Page Not Found"))
    result = run_check([res("s", url)]).result("s")
    assert (result["status"], result["reason"]) == ("broken", "soft-404")


def test_catch_all_site_is_told_apart_by_a_random_path_probe(
    web: LoopbackWeb, run_check: Any
) -> None:
    # The site now answers 200 "Welcome to Spine Center" for any unknown path.
    web.catch_all = article("Welcome to Spine Center")
    real = web.set_page("/real", article("Spinal Stenosis Treatment Options"))
    run = run_check([
        res("replaced", web.url("/article"), expected_title="Lumbar Stenosis Treatment Guide"),
        res("real", real, expected_title="Spinal Stenosis Treatment Options"),
    ])
    replaced = run.result("replaced")
    assert (replaced["status"], replaced["reason"]) == ("broken", "soft-404")
    assert "nonexistent URL" in replaced["detail"]
    assert run.result("real")["status"] == "ok"
    probes = [p for _, p, _ in web.seen if p.endswith("-monitor-probe")]
    assert len(probes) == 1  # once per host per run


def test_parked_domain(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/parked", "<html><head><title>spine-exercises.com</title></head>"
                       "<body><h1>This domain is for sale!</h1><p>Make an offer.</p></body>")
    result = run_check([res("p", url)]).result("p")
    assert (result["status"], result["reason"]) == ("broken", "parked")


def test_deep_link_redirected_to_homepage(web: LoopbackWeb, run_check: Any) -> None:
    url = web.url("/redirect/301?to=/")
    result = run_check([res("h", url)]).result("h")
    assert (result["status"], result["reason"]) == ("broken", "homepage-redirect")


@pytest.mark.parametrize("status", [403, 503, 200])
def test_bot_challenge_is_blocked_not_drifted(web: LoopbackWeb, run_check: Any,
                                              status: int) -> None:
    url = web.set_page("/challenge", "<html><head><title>Just a moment...</title></head><body>"
                       "Checking if the site connection is secure</body></html>",
                       status=status, headers={"Server": "cloudflare"})
    result = run_check([res("c", url, expected_title="Exercises for Spinal Stenosis")]
                       ).result("c")
    assert (result["status"], result["reason"]) == ("blocked", "challenge")


def test_expiring_certificate_warns(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("t", web.tls_url("/ok", "expiring"))],
                       ca_bundle=str(web.ca_path)).result("t")
    assert result["status"] == "ok"
    assert 3 < result["tls_days_left"] < 6
    assert any("expires in" in w for w in result["warnings"])


def test_change_is_confirmed_only_after_confirm_runs(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/flip", article())
    resources = [res("f", url)]
    for _ in range(2):
        run_check(resources, confirm_runs=2)
    web.set_page("/flip", article("Gone"), status=404)
    first_bad = run_check(resources, confirm_runs=2).result("f")
    assert (first_bad["status"], first_bad["confirmed"], first_bad["previous_status"]) == (
        "broken", False, "ok")
    assert first_bad["streak"] == 1
    second_bad = run_check(resources, confirm_runs=2).result("f")
    assert (second_bad["confirmed"], second_bad["streak"]) == (True, 2)
    assert second_bad["since"] == first_bad["checked_at"]


def test_offline_run_declares_nothing_dead_and_confirms_nothing(
    web: LoopbackWeb, run_check: Any
) -> None:
    resources = [res("a", web.raw_url("closed", "/a")), res("b", "http://nowhere.invalid/b")]
    run = run_check(resources, confirm_runs=1)
    assert run.doc["offline"] is True
    assert {r["status"] for r in run.doc["results"]} == {"down"}
    assert all(r["confirmed"] is False for r in run.doc["results"])
    assert "offline" in run.out


def test_offline_run_reports_no_unreadable_source_article(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The article could not be read for the same reason as the links: nothing concluded,
    so it is neither 'broken' on the terminal nor in the report's attention list."""
    from conftest import write_config

    config = write_config(tmp_path / "resources.toml", [
        res("a", web.raw_url("closed", "/a")), res("b", "http://nowhere.invalid/b")])
    with config.open("a", encoding="utf-8") as handle:
        handle.write('[[source]]\nid = "article"\nname = "The article"\n'
                     f'url = "{web.raw_url("closed", "/article")}"\n')
    out_json = tmp_path / "out.json"
    main(["check", "-c", str(config), "--json", str(out_json),
          "--report", str(tmp_path / "index.html")])
    out = capsys.readouterr().out
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["offline"] is True and doc["sources"] == []
    assert "broken" not in out
    assert "The article" not in (tmp_path / "index.html").read_text(encoding="utf-8")


SIGN_IN = ("<html><head><title>Example - Sign In</title></head><body><form method=post>"
           "<input name=user><input type=password name=pw><button>Sign in</button></form>"
           "<a href='/reset'>Forgot password?</a></body></html>")


def test_login_redirect_and_sign_in_page_are_blocked_login(
    web: LoopbackWeb, run_check: Any
) -> None:
    web.set_page("/login", SIGN_IN)
    wall = web.set_page("/members/article", SIGN_IN)
    redirected = web.url("/redirect/302?to=/login%3Fnext%3D%2Fredirect%2F302")
    run = run_check([res("wall", wall), res("redirected", redirected)])
    for rid in ("wall", "redirected"):
        result = run.result(rid)
        assert (result["status"], result["reason"]) == ("blocked", "login")


def test_accept_refuses_broken_results_unless_forced(
    web: LoopbackWeb, run_check: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = web.set_page("/good", article("Lumbar Stenosis Exercise Guide"))
    gone = web.set_page("/gone", article("Page Not Found"))
    run_check([res("good", good), res("gone", gone)])
    config = str(tmp_path / "resources.toml")
    assert main(["accept", "-c", config, "--all"]) == 1
    captured = capsys.readouterr()
    assert "good: accepted" in captured.out
    assert "gone: not accepted" in captured.err and "--force" in captured.err
    assert main(["baseline", "-c", config]) == 0
    assert "Page Not Found" not in capsys.readouterr().out
    assert main(["accept", "-c", config, "--force", "gone"]) == 0
    assert "gone: accepted 'Page Not Found'" in capsys.readouterr().out


def test_no_baseline_is_learned_from_a_wall_or_parking_page(
    web: LoopbackWeb, run_check: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = web.set_page("/later", SIGN_IN)
    parked = web.set_page("/parked", "<html><head><title>spine.example is for sale</title>"
                          "</head><body><h1>spine.example</h1></body></html>")
    run_check([res("later", url), res("parked", parked)])
    web.set_page("/later", article("Lumbar Stenosis Exercise Guide"))
    assert run_check([res("later", url), res("parked", parked)]).result("later")["status"] == "ok"
    assert main(["baseline", "-c", str(tmp_path / "resources.toml")]) == 0
    out = capsys.readouterr().out
    assert "learned\t'Lumbar Stenosis Exercise Guide'" in out
    assert "Sign In" not in out and "for sale" not in out


def test_probe_compares_content_not_titles(web: LoopbackWeb, run_check: Any) -> None:
    # Every unknown path gets the site's own title over a "nothing here" message.
    missing = ("<html><head><title>Spine Center</title></head><body><nav><a href='/'>Home</a>"
               "</nav><main><p>We looked everywhere, but nothing lives at this address. Try "
               "the search box above or start again from our home page.</p></main></body></html>")
    web.catch_all = missing
    home = web.set_page("/home", "<html><head><title>Spine Center</title></head><body><main>"
                        "<p>Our clinic treats lumbar and cervical stenosis with exercise, "
                        "physical therapy and surgery when needed.</p></main></body></html>")
    run = run_check([res("gone", web.url("/articles/stenosis")), res("home", home)])
    gone = run.result("gone")
    assert (gone["status"], gone["reason"]) == ("broken", "soft-404")
    assert "nonexistent URL" in gone["detail"]
    assert run.result("home")["status"] == "ok"
