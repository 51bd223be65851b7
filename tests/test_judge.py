"""The judge is pure: fetched facts + context in, one verdict out. Table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge, moved_to
from monitor.models import Fetched, FetchError, Hop, Page, Reason, Resource, Status

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RES = Resource(id="r", name="R", url="https://example.org/exercises/stenosis")
ARTICLE = Page(
    title="Exercises for Lumbar Spinal Stenosis | Spine-health",
    text="Lumbar spinal stenosis exercises such as walking help. " * 50,
    is_html=True,
)


def fetched(**kw: object) -> Fetched:
    base: dict[str, object] = {
        "url": RES.url, "final_url": RES.url, "http_status": 200, "page": ARTICLE,
    }
    base.update(kw)
    return Fetched(**base)  # type: ignore[arg-type]


def verdict(f: Fetched, resource: Resource = RES, **ctx: object) -> tuple[Status, Reason]:
    v = judge(resource, f, Context(now=NOW, **ctx))  # type: ignore[arg-type]
    return v.status, v.reason


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FetchError.DNS, (Status.BROKEN, Reason.DNS)),
        (FetchError.REDIRECT_LOOP, (Status.BROKEN, Reason.REDIRECT_LOOP)),
        (FetchError.TOO_MANY_REDIRECTS, (Status.BROKEN, Reason.TOO_MANY_REDIRECTS)),
        (FetchError.BAD_REDIRECT, (Status.BROKEN, Reason.BAD_REDIRECT)),
        (FetchError.TIMEOUT, (Status.DOWN, Reason.TIMEOUT)),
        (FetchError.CONNECT, (Status.DOWN, Reason.CONNECT)),
        (FetchError.TLS, (Status.DOWN, Reason.TLS)),
        (FetchError.PROTOCOL, (Status.DOWN, Reason.PROTOCOL)),
        (FetchError.ROBOTS, (Status.BLOCKED, Reason.ROBOTS)),
        (FetchError.PRIVATE_ADDRESS, (Status.BLOCKED, Reason.PRIVATE_ADDRESS)),
    ],
)
def test_transport_errors_map_to_status_and_reason(
    error: FetchError, expected: tuple[Status, Reason]
) -> None:
    assert verdict(fetched(error=error, http_status=None, page=Page())) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (404, (Status.BROKEN, Reason.NOT_FOUND)),
        (410, (Status.BROKEN, Reason.NOT_FOUND)),
        (400, (Status.BROKEN, Reason.HTTP_ERROR)),
        (451, (Status.BROKEN, Reason.HTTP_ERROR)),
        (401, (Status.BLOCKED, Reason.FORBIDDEN)),
        (403, (Status.BLOCKED, Reason.FORBIDDEN)),
        # never an answer to a plain GET: a web application firewall refusing us
        (406, (Status.BLOCKED, Reason.FORBIDDEN)),
        (412, (Status.BLOCKED, Reason.FORBIDDEN)),
        (405, (Status.BROKEN, Reason.HTTP_ERROR)),
        (429, (Status.BLOCKED, Reason.RATE_LIMITED)),
        (500, (Status.DOWN, Reason.SERVER_ERROR)),
        (503, (Status.DOWN, Reason.SERVER_ERROR)),
        (200, (Status.OK, Reason.OK)),
        (204, (Status.OK, Reason.OK)),
    ],
)
def test_http_status_classes(code: int, expected: tuple[Status, Reason]) -> None:
    page = ARTICLE if code < 300 else Page(title="Error", text="", is_html=True)
    assert verdict(fetched(http_status=code, page=page)) == expected


def test_permanent_redirect_is_moved_with_new_url() -> None:
    new = "https://example.org/conditions/stenosis-exercises"
    f = fetched(final_url=new, redirects=(Hop(RES.url, 301, new),))
    v = judge(RES, f, Context(now=NOW))
    assert (v.status, v.reason) == (Status.MOVED, Reason.PERMANENT_REDIRECT)
    assert new in v.detail
    assert moved_to(f) == new


def test_temporary_redirect_is_ok_and_trailing_slash_only_warns() -> None:
    new = "https://example.org/elsewhere"
    assert verdict(fetched(final_url=new, redirects=(Hop(RES.url, 302, new),))) == (
        Status.OK, Reason.OK)
    slash = RES.url + "/"
    v = judge(RES, fetched(final_url=slash, redirects=(Hop(RES.url, 308, slash),)),
              Context(now=NOW))
    assert v.status is Status.OK
    assert any("permanently redirects" in w for w in v.warnings)


@pytest.mark.parametrize(
    ("expected_title", "current", "status"),
    [
        ("Exercises for Lumbar Spinal Stenosis", "Exercises for Lumbar Spinal Stenosis",
         Status.OK),
        # site suffix added / renamed / dropped
        ("Exercises for Lumbar Spinal Stenosis",
         "Exercises for Lumbar Spinal Stenosis | Spine-health", Status.OK),
        ("Spinal Stenosis Exercises - WebMD", "Spinal Stenosis Exercises | WebMD Health",
         Status.OK),
        ("Spine-health - Exercises for Lumbar Spinal Stenosis",
         "Exercises for Lumbar Spinal Stenosis", Status.OK),
        # punctuation, case, year, entities
        ("Spinal stenosis: 5 exercises (2023)", "Spinal Stenosis - 5 Exercises 2026", Status.OK),
        ("Stenosis &amp; Exercise", "Stenosis & exercise", Status.OK),
        # a different page
        ("Exercises for Lumbar Spinal Stenosis", "Best Online Casino Bonuses", Status.DRIFTED),
        ("Exercises for Lumbar Spinal Stenosis", "Knee Replacement Recovery Timeline",
         Status.DRIFTED),
        # another topic under a similar title: a curated word replaced by a different one
        ("Physical Therapy for Spinal Stenosis", "Physical Therapy for Neck Pain | WebMD",
         Status.DRIFTED),
        ("Lumbar Spinal Stenosis Exercises", "Cervical Spinal Stenosis Exercises",
         Status.DRIFTED),
        # the same topic: words added, word order, inflection, a site name, a number
        ("Exercises for Lumbar Spinal Stenosis",
         "Lumbar Spinal Stenosis: 8 Exercises to Try at Home", Status.OK),
        ("Lumbar Spinal Stenosis Exercise Guide", "Exercises for Lumbar Spinal Stenosis",
         Status.OK),
        ("Spinal Stenosis: Causes, Symptoms, and Treatments",
         "Spinal Stenosis: Symptoms, Causes & Treatment | Healthline", Status.OK),
        ("Lumbar Spinal Stenosis Treatment | Kenai Spine",
         "Lumbar Spinal Stenosis Treatment - Kenai Spine Center", Status.OK),
        ("7 Stretches for Spinal Stenosis", "8 Stretches for Spinal Stenosis", Status.OK),
        ("Lumbar Spinal Stenosis Exercises", "Spinal Stenosis Exercises", Status.OK),
    ],
)
def test_title_drift_tolerates_small_edits_and_flags_real_changes(
    expected_title: str, current: str, status: Status
) -> None:
    page = Page(title=current, text="stenosis " * 10, is_html=True)
    got = verdict(fetched(page=page), baseline_title=expected_title)
    assert got[0] is status
    if status is Status.DRIFTED:
        assert got[1] is Reason.TITLE_CHANGED


def test_topic_change_detail_names_the_replaced_words() -> None:
    page = Page(title="Cervical Spinal Stenosis Exercises", text="x", is_html=True)
    v = judge(RES, fetched(page=page),
              Context(now=NOW, baseline_title="Lumbar Spinal Stenosis Exercises"))
    assert (v.status, v.reason) == (Status.DRIFTED, Reason.TITLE_CHANGED)
    assert "lumbar → cervical" in v.detail


def test_drift_detail_shows_old_and_new_title() -> None:
    page = Page(title="Buy Watches", text="watches", is_html=True)
    v = judge(RES, fetched(page=page), Context(now=NOW, baseline_title="Stenosis Exercises"))
    assert "'Stenosis Exercises'" in v.detail and "'Buy Watches'" in v.detail


def test_per_resource_threshold_is_respected() -> None:
    page = Page(title="Stenosis exercises for seniors at home", text="", is_html=True)
    lax = verdict(fetched(page=page), baseline_title="Stenosis exercises", title_threshold=0.3)
    strict = verdict(fetched(page=page), baseline_title="Stenosis exercises",
                     title_threshold=0.95)
    assert lax[0] is Status.OK and strict[0] is Status.DRIFTED


def test_missing_keywords_are_named() -> None:
    res = Resource(id="r", name="R", url=RES.url, keywords=("stenosis", "Flexion"))
    v = judge(res, fetched(), Context(now=NOW))
    assert (v.status, v.reason) == (Status.DRIFTED, Reason.KEYWORD_MISSING)
    assert "'Flexion'" in v.detail and "stenosis" not in v.detail


def test_keywords_ignore_case_and_unicode_width() -> None:
    res = Resource(id="r", name="R", url=RES.url, keywords=("SPINAL STENOSIS",))
    assert verdict(fetched(), res)[0] is Status.OK


@pytest.mark.parametrize(
    "title", ["Page Not Found", "404 - File or directory not found.", "Error",
              "Error 404 | Spine-health", "Spine-health: 404 error",
              "Oops! That page can’t be found.", "This content is no longer available"],
)
def test_soft_404_titles(title: str) -> None:
    page = Page(title=title, text="Sorry.", is_html=True)
    assert verdict(fetched(page=page)) == (Status.BROKEN, Reason.SOFT_404)


@pytest.mark.parametrize("title", ["Page 404", "RFC 404: The Curated List", "Route 404 Hikes"])
def test_a_404_inside_a_real_title_is_not_a_soft_404(title: str) -> None:
    page = Page(title=title, text="A real article. " * 20, is_html=True)
    assert verdict(fetched(page=page)) == (Status.OK, Reason.OK)


def test_soft_404_text_only_on_short_pages() -> None:
    short = Page(title="Spine Health", text="The page you are looking for could not be found.",
                 is_html=True)
    assert verdict(fetched(page=short)) == (Status.BROKEN, Reason.SOFT_404)
    long_text = ARTICLE.text + " The page you are looking for could not be found." * 1
    long = Page(title=ARTICLE.title, text=long_text * 3, is_html=True)
    assert verdict(fetched(page=long))[0] is Status.OK


def test_article_about_errors_is_not_soft_404_when_title_matches_baseline() -> None:
    page = Page(title="How to fix a 404 error", text="x", is_html=True)
    got = verdict(fetched(page=page), baseline_title="How to fix a 404 error")
    assert got == (Status.OK, Reason.OK)


SITE_404 = Page(title="Spine Center of Alaska", text="Menu " * 900, is_html=True,
                content_text="We looked everywhere for this page. Try the search box above.")


def test_a_page_with_the_content_of_the_sites_nonexistent_url_is_a_soft_404() -> None:
    # Same content as the catch-all answer, even under the site's normal title.
    page = replace(SITE_404, content_text=SITE_404.content_text + " /exercises/stenosis")
    got = verdict(fetched(page=page), baseline_title="Lumbar Stenosis Treatment",
                  catch_all=SITE_404)
    assert got == (Status.BROKEN, Reason.SOFT_404)


def test_a_home_page_sharing_the_404_pages_title_is_not_a_soft_404() -> None:
    home = replace(SITE_404, content_text="Our clinic treats spinal stenosis. " * 20)
    assert verdict(fetched(page=home), catch_all=SITE_404) == (Status.OK, Reason.OK)


def test_a_curated_home_page_is_never_the_sites_missing_page() -> None:
    # The site answers unknown paths with its home page; the curated link is that home page.
    home = "https://example.org/"
    got = verdict(fetched(url=home, final_url=home, page=SITE_404), catch_all=SITE_404)
    assert got == (Status.OK, Reason.OK)


def test_pages_too_bare_to_compare_are_not_called_soft_404_by_the_probe() -> None:
    shell = Page(title="App", text="", is_html=True)  # a JavaScript app's shell on every URL
    assert verdict(fetched(page=shell), catch_all=shell) == (Status.OK, Reason.OK)


def test_parked_domain() -> None:
    page = Page(title="example.org", text="This domain is for sale! Make an offer.",
                is_html=True)
    assert verdict(fetched(page=page)) == (Status.BROKEN, Reason.PARKED)


def test_402_with_a_platforms_unavailable_page_is_parked() -> None:
    shop = Page(title="Sorry, this store is currently unavailable.", is_html=True,
                text="Sorry, this store is currently unavailable. Are you the store owner? "
                     "Log in here", content_text="Sorry, this store is currently unavailable. "
                     "Are you the store owner?", headings=("Sorry, this store is currently "
                                                          "unavailable.",), links=2)
    assert verdict(fetched(http_status=402, page=shop)) == (Status.BROKEN, Reason.PARKED)
    plain = Page(title="Payment required", text="Payment required", is_html=True)
    assert verdict(fetched(http_status=402, page=plain)) == (Status.BROKEN, Reason.HTTP_ERROR)


def test_homepage_redirect() -> None:
    home = "https://example.org/"
    f = fetched(final_url=home, redirects=(Hop(RES.url, 302, home),),
                page=Page(title="Example Health", text="welcome", is_html=True))
    assert verdict(f) == (Status.BROKEN, Reason.HOMEPAGE_REDIRECT)


@pytest.mark.parametrize(("url", "home", "redirected_home"), [
    # a language's front page and an index document are the home page too
    ("https://example.org/spine/stenosis", "https://example.org/en/", True),
    ("https://example.org/spine/stenosis", "https://example.org/index.html", True),
    ("https://example.org/spine/stenosis", "https://example.org/?utm_source=old", True),
    # pages, however short their path
    ("https://example.org/spine/stenosis", "https://example.org/docs/index.html", False),
    ("https://example.org/spine/stenosis", "https://example.org/en/exercises/", False),
    ("https://example.org/spine/stenosis", "https://example.org/?p=4012", False),
    # a home page moving to another home page is not a lost link
    ("https://example.org/", "https://example.org/en/", False),
    ("https://example.org/index.php", "https://example.org/de/", False),
])
def test_homepage_redirect_knows_what_a_home_page_is(url: str, home: str,
                                                     redirected_home: bool) -> None:
    f = fetched(url=url, final_url=home, redirects=(Hop(url, 302, home),),
                page=Page(title="Example Health", text="welcome", is_html=True))
    got = verdict(f, Resource(id="r", name="R", url=url))
    assert (got == (Status.BROKEN, Reason.HOMEPAGE_REDIRECT)) is redirected_home


@pytest.mark.parametrize(
    ("code", "title", "headers"),
    [
        (403, "Just a moment...", ()),
        (503, "Attention Required! | Cloudflare", ()),
        (200, "Just a moment...", ()),
        (403, "Spine", (("cf-mitigated", "challenge"),)),
    ],
)
def test_bot_challenges_are_blocked_never_drifted(
    code: int, title: str, headers: tuple[tuple[str, str], ...]
) -> None:
    page = Page(title=title, text="Checking if the site connection is secure", is_html=True)
    got = verdict(fetched(http_status=code, page=page, headers=headers),
                  baseline_title="Exercises for Lumbar Spinal Stenosis")
    assert got == (Status.BLOCKED, Reason.CHALLENGE)


def test_non_html_bodies_are_judged_by_status_only() -> None:
    pdf = fetched(page=Page(is_html=False), content_type="application/pdf")
    got = verdict(pdf, Resource(id="r", name="R", url=RES.url, keywords=("stenosis",)),
                  baseline_title="Exercises")
    assert got == (Status.OK, Reason.OK)


def test_expiring_certificate_warns_but_stays_ok() -> None:
    soon = fetched(tls_expires_at=NOW + timedelta(days=5))
    v = judge(RES, soon, Context(now=NOW, tls_warn_days=14))
    assert v.status is Status.OK
    assert v.warnings and "expires in 5.0 days" in v.warnings[0]
    later = judge(RES, fetched(tls_expires_at=NOW + timedelta(days=60)), Context(now=NOW))
    assert later.warnings == ()


def test_sign_in_wall_is_blocked_login_even_with_a_known_baseline() -> None:
    wall = Page(title="Example - Sign In", text="Sign in. Forgot password?", is_html=True,
                password_fields=1, links=3)
    got = verdict(fetched(page=wall), baseline_title="Exercises for Lumbar Spinal Stenosis")
    assert got == (Status.BLOCKED, Reason.LOGIN)


def test_a_not_found_page_carrying_the_sites_login_module_is_a_soft_404() -> None:
    # A CMS's 404 template keeps the sidebar's login module: the page is named an error.
    html = ("<html><head><title>404 Article not found</title></head><body>"
            "<h1>404 Article not found</h1><div class='module'><form>"
            "<label>User name <input name=u></label><label>Password "
            "<input type=password name=p></label><button>Log in</button></form></div>"
            "</body></html>")
    page = extract(html.encode(), "text/html; charset=utf-8")
    assert verdict(fetched(page=page)) == (Status.BROKEN, Reason.SOFT_404)
    # ... while the same login box under a page of its own stays a sign-in wall
    wall = extract(html.replace("404 Article not found", "Members: log in").encode(),
                   "text/html; charset=utf-8")
    assert verdict(fetched(page=wall)) == (Status.BLOCKED, Reason.LOGIN)


def test_redirect_to_a_login_page_is_blocked_login() -> None:
    target = "https://example.org/login?returnUrl=%2Fexercises%2Fstenosis"
    f = fetched(final_url=target, redirects=(Hop(RES.url, 302, target),),
                page=Page(title="Welcome", text="Please identify yourself", is_html=True))
    assert verdict(f) == (Status.BLOCKED, Reason.LOGIN)


def test_challenge_on_503_is_blocked_not_down() -> None:
    page = Page(title="", text="Request unsuccessful. Incapsula incident ID: 1-2",
                is_html=True, marks=("incapsula",))
    assert verdict(fetched(http_status=503, page=page)) == (Status.BLOCKED, Reason.CHALLENGE)


def test_suspended_hosting_is_broken_parked_with_a_detail_that_says_so() -> None:
    page = Page(title="Account Suspended", text="This account has been suspended.",
                is_html=True)
    v = judge(RES, fetched(page=page), Context(now=NOW))
    assert (v.status, v.reason) == (Status.BROKEN, Reason.PARKED)
    assert "suspended" in v.detail
