"""What kind of page is it: table tests of every page-kind signal, with positives and the
near-misses that must stay quiet (articles that mention the same words)."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Hop, Page
from monitor.pagekind import (
    login_redirect,
    looks_challenge,
    looks_login,
    looks_parked,
    looks_soft_404,
    same_page,
)

MENU = "".join(f'<li><a href="/s{i}">Section number {i}</a></li>' for i in range(120))
CHROME_HEAD = f"<header><nav><ul>{MENU}</ul></nav></header>"
CHROME_FOOT = "<footer><p>© City of Example · 1 Main Street · 555-0100</p></footer>"
ARTICLE_BODY = "<p>" + "Walking and cycling help people with narrowing of the spine. " * 80 + "</p>"


def page(body: str, title: str = "Example Town", head: str = "") -> Page:
    html = f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def chrome(main: str, title: str = "Example Town") -> Page:
    """A page inside a big site menu and footer, as town and agency sites serve them."""
    return page(f"{CHROME_HEAD}<main>{main}</main>{CHROME_FOOT}", title)


# --- soft-404 -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>x</p>", title="Error 404 - File Not Found"),
        page("<p>x</p>", title="We can't find that page"),
        page("<p>x</p>", title="Oooops!"),
        chrome("<h1>404 Error - Page Not Found</h1><p>Try the menu.</p>"),
        chrome("<h2>Page Not Found</h2>"),
        chrome("<p>404. The page you requested wasn't found.</p>"),
        chrome("<p>Sorry, the page that you're looking for can not be found!</p>"),
        chrome("<p>The page you are trying to reach may have been moved or deleted.</p>"),
        chrome("<p>We could not find the page you asked for.</p>"),
        page("<div>404</div><div>Error</div><p>Sorry about that.</p>", title=""),
        chrome("<h3>Uh oh…</h3><p>You found our 404 page. Try the search.</p>"),
        chrome("<p>This page may have been removed or renamed.</p>"),
        chrome("<p>It looks like nothing was found at this location.</p>"),
    ],
)
def test_error_pages_served_with_200_are_soft_404s(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # articles about errors: long content, error words only in passing
        page("<h1>How to design a friendly 404 page</h1>" + ARTICLE_BODY
             + "<p>The page you are looking for could not be found, says a bad one.</p>",
             title="Designing error pages"),
        page("<h2>Page not found errors and SEO</h2>" + ARTICLE_BODY, title="SEO basics"),
        # short product page that mentions 404s without being one
        page("<h1>Error pages</h1><p>Build free 404, 500-level and maintenance pages.</p>",
             title="Error page builder"),
        page("<p>x</p>", title="Route 404 Hikes"),
        page("<p>x</p>", title="Cat found in Ohio after going missing"),
        chrome("<h1>Council minutes</h1><p>The council met on Tuesday.</p>"),
        # Atlanta's area code and a suite number are not error codes
        chrome("<p>Call us at (404) 555-0100 or visit Suite 404. Page through our "
               "brochure for details.</p><p>404-555-0101: error reports line.</p>"),
    ],
)
def test_articles_that_mention_errors_are_not_soft_404s(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None


def test_content_fingerprint_tells_the_sites_404_from_its_other_pages() -> None:
    missing = chrome("<p>Nothing lives at this address any more; try our search.</p>")
    echoed = chrome("<p>Nothing lives at this address any more; try our search.</p>"
                    "<p>/exercises/stenosis</p>")
    home = chrome("<p>Welcome to the town. Council meets every second Tuesday, the pool "
                  "opens in May and the library has new hours.</p>")
    assert (same_page(echoed, missing) or 0) >= 0.9
    assert (same_page(home, missing) or 0) < 0.9
    shell = page("<div id=app></div>", title="App")
    assert same_page(shell, shell) is None  # nothing to compare: cannot tell


# --- parked / for sale / placeholder / suspended --------------------------------------

@pytest.mark.parametrize(
    ("candidate", "says"),
    [
        (page("<h1>widgets.example</h1>" + ARTICLE_BODY, title="widgets.example is for sale on "
              "Brokerly"), "for sale"),
        (page(ARTICLE_BODY, title="widgets.example - contact the domain owner | Registrar"),
         "for sale"),
        (page("<h1>WIDGETS.example</h1><h2>This domain name is available for purchase or "
              "lease</h2>" + ARTICLE_BODY), "for sale"),
        (page("<p>x</p>", title="widgets.example is available"), "for sale"),
        (page("<h1>widgets.example</h1><p>Coming soon.</p>", title="widgets.example"),
         "placeholder"),
        (page("", title="Builder - Website Expired"), "suspended"),
        (page("<h1>Account Suspended</h1><p>This account has been suspended.</p>",
              title="Account Suspended"), "suspended"),
        (page("<p>This site is temporarily unavailable. If you manage this site, please "
              "contact your host.</p>", title="Unavailable"), "suspended"),
        (page("<div id=lander></div>", title="widgets.example",
              head="<script>window.LANDER_SYSTEM='x'</script>"), "parked"),
        (page("<div></div>", title="widgets.example",
              head='<script src="//www.google.com/adsense/domains/caf.js"></script>'), "parked"),
        # an expired domain's first answer: a script that sends the browser to the lander
        (page("", title="", head="<script>window.onload=function(){window.location.href="
              '"/lander"}</script>'), "parked"),
        (page("<p>This domain is parked at Namehost.</p>", title="Parked at Namehost"),
         "parked"),
        (page("<h1>Welcome to nginx!</h1><p>Further configuration is required.</p>",
              title="Welcome to nginx!"), "placeholder"),
        (page("<p>This page was generated by the hosting panel.</p>",
              title="Domain Default page"), "placeholder"),
    ],
)
def test_parked_for_sale_placeholder_and_suspended_pages(candidate: Page, says: str) -> None:
    found = looks_parked(candidate)
    assert found and says in found


@pytest.mark.parametrize(
    "candidate",
    [
        page(ARTICLE_BODY, title="The Domain Austin Hotels | Example Stays"),
        page(ARTICLE_BODY, title="Domain Names, Website Builder & Hosting"),
        page("<p>New cars, used cars for sale near you. Compare prices.</p>",
             title="Cars for Sale | Autos"),
        page(ARTICLE_BODY + "<p>Our new clinic is coming soon.</p>", title="Clinic news"),
        page("<p>Read how this account has been suspended by the network and what it "
             "means.</p>" + ARTICLE_BODY, title="Why accounts get suspended"),
        page(ARTICLE_BODY, title="Senator's account has been suspended, platform says"),
        page(ARTICLE_BODY, title="Parked at the curb: city fines double"),
        page(ARTICLE_BODY, title="Configuring the default page of a web server"),
        # parking vendors' markers on a page with real content are not enough
        page(ARTICLE_BODY, title="Stenosis", head="<script>var x='caf.js'</script>"),
    ],
)
def test_pages_about_domains_and_sales_are_not_parked(candidate: Page) -> None:
    assert looks_parked(candidate) is None


def test_suspended_hosting_redirect_is_named() -> None:
    found = looks_parked(Page(is_html=True), "http://example.org/cgi-sys/suspendedpage.cgi")
    assert found and "suspended" in found


# --- bot walls ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("candidate", "status"),
    [
        (page('<iframe src="/_Incapsula_Resource?CWUDNSAI=9"></iframe>'
              "<p>Request unsuccessful. Incapsula incident ID: 1-2</p>", title=""), 200),
        (page('<iframe src="/_Incapsula_Resource?CWUDNSAI=9"></iframe>', title=""), 503),
        (page('<div id="px-captcha"></div><p>Press & Hold to confirm</p>', title="Shop"), 200),
        (page("<script src='https://ct.captcha-delivery.com/c.js'></script>", title="x"), 200),
        (page("<p>Please wait while we verify your browser.</p>", title="Site verification"),
         200),
        (page("<p>Anything.</p>", title="ShieldSquare Captcha",
              head="<script src='https://validate.perfdrive.com/x.js'></script>"), 200),
        (page("<p>Access Denied. Reference #18.5f3c2b17.1699999999.1a2b3c</p>",
              title="Access Denied"), 403),
        (page("<p>Please complete the captcha to continue.</p>", title="Shop"), 429),
        (page("<h1>Before you continue to Example</h1><p>We use cookies and data to deliver "
              "our services.</p><button>Reject all</button><button>Accept all</button>",
              title="Before you continue"), 200),
        (page("<p>We use cookies to measure our audience.</p><button>Accept all</button>",
              title="Example News"), 200),
        (page("<h2>We apologize for the inconvenience</h2><p>Please tick the box.</p>",
              title="Acme Bot Manager Captcha"), 200),
        (page("<p>Please wait while the checkpoint completes.</p>",
              title="Hostco Security Checkpoint"), 429),
        (page("<p>Our systems have detected unusual traffic from your computer network.</p>",
              title="Example Search"), 200),
        (page("<p>Please solve this CAPTCHA to request unblock to the website.</p>",
              title="Shop", head="<script src='https://validate.perfdrive.com/a.js'></script>"),
         200),
    ],
)
def test_bot_walls_on_any_status(candidate: Page, status: int) -> None:
    assert looks_challenge(candidate, {}, status)


@pytest.mark.parametrize(
    ("candidate", "status"),
    [
        # articles about captchas and bot walls
        (page("<h1>Why captchas annoy people</h1>" + ARTICLE_BODY, title="Captchas"), 200),
        (page("<p>Our product shows a captcha to bots.</p>", title="Bot defence"), 200),
        # ordinary pages of protected sites carry the vendor's script
        (page(ARTICLE_BODY, title="Stenosis",
              head="<script src='/_Incapsula_Resource?SWJIYLWA=1'></script>"), 200),
        (page(ARTICLE_BODY, title="Stenosis", head="<script src='//js.datadome.co/t.js'>"
                                                   "</script>"), 200),
        # a CDN error page shows a Ray ID too: it is down, not a challenge
        (page("<h1>Error 522</h1><p>Connection timed out. Cloudflare Ray ID: 5f3c2b17aa</p>",
              title="example.org | 522: Connection timed out"), 522),
        (page(ARTICLE_BODY, title="Access to Wikipedia restored"), 200),
        # a thin article (its text in links) on a site that loads a bot vendor's script
        (page(f"<h1>Safe browsing news</h1>{CHROME_HEAD}",
              title="Safe browsing news", head="<script src='//js.datadome.co/t.js'></script>"),
         200),
        # a WAF vendor's error page for a failing origin is "down", not a challenge
        (page("<h1>502 Bad Gateway</h1><p>The origin did not answer.</p>",
              title="Sucuri WebSite Firewall - Bad Gateway",
              head="<link href='https://sucuri.net/x.css'>"), 502),
        (page(ARTICLE_BODY, title="CAPTCHA: a short history of proving you are human"), 200),
        # a short article with an inline cookie banner and its site's links
        (page(f"{CHROME_HEAD}<p>We value your privacy. Accept all cookies?</p>"
              "<p>The clinic opened a new wing on Monday.</p>", title="New wing"), 200),
    ],
)
def test_articles_and_error_pages_are_not_bot_walls(candidate: Page, status: int) -> None:
    assert looks_challenge(candidate, {}, status) is None


# --- sign-in walls --------------------------------------------------------------------

LOGIN_FORM = ('<form action="/session"><input name="user"><input type="Password" name="pw">'
              "<button>Continue</button></form>")


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Welcome back</h1>{LOGIN_FORM}<a href='/forgot'>Forgot password?</a>",
             title="Example Portal"),
        page("<noscript>Enable JavaScript.</noscript><div id=root></div>",
             title="Sign in to your account"),
        page("<p>Loading…</p>", title="Example Corp - Log In"),
        page("<p>One account for everything.</p>", title="Single Sign-On | Example Agency"),
        chrome("<p>You must be logged in to view this page.</p>", title="Members area"),
        chrome("<h1>Login required</h1><p>Please sign in to continue.</p>", title="Portal"),
    ],
)
def test_sign_in_walls(candidate: Page) -> None:
    assert looks_login(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # an article with a login box in the header
        page(f"<header>{LOGIN_FORM}</header>{ARTICLE_BODY}", title="Stenosis exercises"),
        # a short page with a login box and a site's worth of links
        page(f"{CHROME_HEAD}{LOGIN_FORM}<p>News from the town.</p>", title="Town news"),
        # an article about signing in
        page(ARTICLE_BODY, title="How to sign in to the patient portal"),
        # a short story on a small site with a login box in its sidebar
        page(f"<aside>{LOGIN_FORM}</aside><p>" + "The clinic opened a new wing. " * 60
             + "</p>", title="New wing opens"),
        page("<p>Short note.</p>", title="Login troubles? Read this first about our app"),
        chrome("<p>The clinic opened a new wing.</p><p>You must be logged in to comment.</p>",
               title="New wing"),
    ],
)
def test_pages_with_login_boxes_or_about_signing_in_are_not_walls(candidate: Page) -> None:
    assert looks_login(candidate) is None


CURATED = "https://example.org/articles/stenosis"


@pytest.mark.parametrize(
    "target",
    [
        "https://example.org/login?next=/articles/stenosis",
        "https://example.org/users/sign_in",
        "https://accounts.example.com/ServiceLogin?continue=https://example.org/a",
        "https://example.org/Account/Login.aspx",
        "https://example.org/gate?returnUrl=%2Farticles%2Fstenosis",
        "https://sso.example.org/",
    ],
)
def test_deep_link_redirected_to_a_sign_in_page(target: str) -> None:
    assert login_redirect(CURATED, (Hop(CURATED, 302, target),), target)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (CURATED, "https://example.org/articles/stenosis-exercises"),
        (CURATED, "https://example.org/blog/logins-are-hard"),
        (CURATED, "https://example.org/search?next=2"),
        ("https://example.org/login", "https://example.org/login/"),  # curated the login
        (CURATED, "https://example.org/authors/jane"),
    ],
)
def test_ordinary_redirects_are_not_sign_in_walls(url: str, target: str) -> None:
    assert login_redirect(url, (Hop(url, 302, target),), target) is None


def test_no_redirect_no_login_redirect() -> None:
    assert login_redirect(CURATED, (), CURATED) is None


# --- a title that is one not-found sentence ---------------------------------------------

@pytest.mark.parametrize(
    "title",
    [
        "The page you requested was not found on our site",
        "Sorry, the page you are looking for could not be found.",
        "We're sorry, but the page you were looking for doesn't exist | City of Example",
        "Oops! This page has been removed",
    ],
)
def test_a_title_that_is_a_not_found_sentence_is_a_soft_404_on_a_long_page(title: str) -> None:
    # A site template names its error page with the sentence, above all of its chrome.
    assert looks_soft_404(chrome(f"<div>{ARTICLE_BODY}</div>", title=title))


@pytest.mark.parametrize(
    "title",
    [
        "The page you requested was not found: what a 404 means",
        "Why the page you requested was not found",
        "How to fix 'the page you requested was not found'",
        "The page you requested was not found and other web errors explained",
        "This page has been removed from search results, says the court",
    ],
)
def test_a_headline_that_quotes_a_not_found_sentence_is_no_soft_404(title: str) -> None:
    article = chrome(f"<article><h1>{title}</h1>{ARTICLE_BODY}</article>", title=title)
    assert looks_soft_404(article) is None
