"""Signals read from how a page is built, for sites and vendors we have not tuned on: an
article's own header is content, a sign-in box in the site header is not a wall, a short
news item built as an article (its heading restates its title) is never judged by a phrase
it quotes, a server's default page speaks to its operator, a consent wall in any of the
common languages. Each table has positives and near-misses (articles using the words)."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.pagehints import article_like, headlined, lead
from monitor.pagekind import (
    looks_challenge,
    looks_consent,
    looks_login,
    looks_parked,
    looks_soft_404,
)

MENU = "".join(f'<li><a href="/s{i}">Section number {i}</a></li>' for i in range(30))
SIGN_IN_BOX = ('<form action="/login" method="post"><label>Email<input type="email"></label>'
               '<label>Password<input type="password" name="pw"></label>'
               '<button>Sign in</button></form>')


def page(body: str, title: str = "Example") -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def news(headline: str, paragraphs: list[str], *, header_extra: str = "",
         site: str = "Valley Times") -> Page:
    """A short news item as WordPress-like themes serve it: site header with navigation (and
    maybe a sign-in box), the article's headline inside <article><header>."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(
        f'<header class="site-header"><nav><ul>{MENU}</ul></nav>{header_extra}</header>'
        f'<main><article><header class="entry-header"><h1>{headline}</h1>'
        f'<span class="byline">By Staff</span></header><div class="entry-content">{body}'
        f"</div></article></main><footer><p>© 2024 {site}</p></footer>",
        f"{headline} | {site}")


# --- extraction ---------------------------------------------------------------------------

def test_an_articles_own_header_is_content_and_the_sites_header_is_not() -> None:
    item = news("Library to drop CAPTCHA from catalogue after complaints", ["Text."])
    assert item.content_text.startswith("Library to drop CAPTCHA")
    assert "Section number" not in item.content_text and "Valley Times" not in item.content_text


def test_a_header_inside_main_is_still_the_sites_header() -> None:
    # <main> is no section: a page built <main><header>...</header> keeps it as chrome.
    built = page("<main><header><p>Site tagline here</p></header><p>Own words.</p></main>")
    assert "Site tagline" not in built.content_text
    assert "Own words." in built.content_text


@pytest.mark.parametrize("where, counted", [
    ("header", 0), ("nav", 0), ("aside", 0), ("main", 1), ("div", 1)])
def test_password_fields_count_in_the_pages_own_content_only(where: str, counted: int) -> None:
    built = page(f"<{where}>{SIGN_IN_BOX}</{where}><p>Some words.</p>", "Sign in")
    assert built.password_fields == counted


# --- built as an article ------------------------------------------------------------------

SHORT_ITEMS = [
    ("Library to drop CAPTCHA from catalogue after complaints",
     ["The county library service will remove the CAPTCHA check from its online catalogue "
      "next month after blind and partially sighted readers said it locked them out.",
      "The “are you a robot?” test was added last year to stop automated traffic that slowed "
      "the site. A new system would filter bots behind the scenes.",
      "“Nobody should have to prove they are human to renew a library book,” she said."]),
    ("Web host suspended 3,000 sites by mistake, company admits",
     ["A budget web hosting company has admitted that an automated billing error suspended "
      "about 3,000 customer websites, replacing them with a page reading “This account has "
      "been suspended.” Customers said they had paid their bills on time.",
      "The company said a faulty update to its payment system had marked valid accounts as "
      "overdue. All sites were restored by Sunday evening."]),
    ("Council apologises after flood warning website expired",
     ["A district council has apologised after the website it used to publish flood warnings "
      "expired during last week’s storms, leaving residents looking at an advertising page.",
      "Anyone visiting it saw a page saying the domain had expired and could be renewed, "
      "surrounded by adverts for insurance and holiday lets. The site was restored on Friday."]),
    ("Study finds one in five expired charity domains now parked with ads",
     ["Researchers who examined 12,000 web addresses once used by charities found that one in "
      "five now leads to a parked page filled with adverts, and many others display a banner "
      "saying “Buy this domain.” Old links on government pages pointed to the lapsed names.",
      "The team said some of the domains had been bought by companies that resell expired "
      "names with existing traffic, and called on registrars to give charities more time."]),
    ("Banking app outage leaves customers staring at page not found errors",
     ["Customers were unable to sign in to the app for most of Monday morning, with many "
      "reporting messages reading “Page not found” when they tried to check balances.",
      "By 11am the bank said services had been restored and apologised for the disruption.",
      "The outage began shortly after 7am and affected both the mobile app and online "
      "banking. Card payments in shops were not affected, the bank said."]),
]


SHORT_ITEMS.append((
    "El portal de citas de Sanidad muestra un error 404 tras la actualización",
    ["Miles de usuarios se encontraron el lunes con una página no encontrada al intentar pedir "
     "cita en el portal, después de una actualización del sistema. La consejería explicó que "
     "el error se debía a enlaces antiguos."]))


@pytest.mark.parametrize("headline, paragraphs", SHORT_ITEMS)
def test_a_short_news_item_built_as_an_article_is_not_a_wall_or_error(
        headline: str, paragraphs: list[str]) -> None:
    item = news(headline, paragraphs)
    assert headlined(item) and article_like(item)
    headers = {"content-type": "text/html"}
    assert looks_soft_404(item) is None
    assert looks_parked(item) is None
    assert looks_challenge(item, headers, 200) is None
    assert looks_login(item) is None


def test_a_sign_in_box_in_the_site_header_does_not_make_an_article_a_sign_in_wall() -> None:
    item = news("Hospital staff forced back to paper after cyber attack",
                ["Staff have been unable to log in to patient records for five days. " * 6],
                header_extra=SIGN_IN_BOX)
    assert item.password_fields == 0
    assert looks_login(item) is None


@pytest.mark.parametrize("body, title", [
    # labelled, not headlined: the heading is short or differs from the title
    (f"<header><nav><ul>{MENU}</ul></nav></header><main><h1>Page not found</h1>"
     "<p>The page you are looking for could not be found.</p></main>", "Page not found | Site"),
    (f"<header><nav><ul>{MENU}</ul></nav></header><main><h2>We can’t seem to find the page "
     "you’re looking for.</h2><p>The list may have been archived.</p></main>", "Reading Lists"),
    # a bare page is never headlined, whatever its heading says
    ("<h1>The page you were looking for doesn't exist.</h1><p>You may have mistyped the "
     "address or the page may have moved.</p>", "The page you were looking for doesn't exist"),
])
def test_error_pages_are_not_headlined_and_stay_errors(body: str, title: str) -> None:
    built = page(body, title)
    assert not headlined(built)
    assert looks_soft_404(built)


def test_lead_is_empty_when_any_heading_opens_the_content() -> None:
    # The article's h1 went with the chrome on some themes: an h2 opening the content is a
    # section heading, not an error message ("404 Not Found, explained").
    built = page("<header><h1>What does a 404 error mean?</h1></header><main><h2>404 Not "
                 "Found, explained</h2><p>A 404 error is the server saying...</p></main>",
                 "What does a 404 error mean? | Byte Sized")
    assert lead(built) == ""


# --- a server's default page --------------------------------------------------------------

@pytest.mark.parametrize("body, title", [
    ("<h1>Welcome to OpenResty!</h1><p>If you see this page, the OpenResty web platform is "
     "successfully installed and working. Further configuration is required.</p>",
     "Welcome to OpenResty!"),
    ("<h1>Congratulations!</h1><p>Your web server is working. Now make it work for you.</p>",
     "Caddy works!"),
    ("<h2>If you're seeing this, you've successfully installed Tomcat. Congratulations!</h2>",
     "Apache Tomcat/9.0.85"),
    ("<h2>Your web app is running and waiting for your content</h2><p>Your web app is live, "
     "but we don’t have your content yet.</p>", "Microsoft Azure App Service - Welcome"),
    ("<p>Microsoft Azure Your App Service app is up and running Go to your app's guide in the "
     "Azure portal.</p>", "Microsoft Azure App Service - Welcome"),
    ("<h1>Web Station has been enabled.</h1><p>To finish setting up your website, please see "
     "the Web Service section of DSM Help.</p>", "Web Station"),
    ("<div>Apache2 Ubuntu Default Page It works!</div>" + "<p>Configuration notes. </p>" * 120,
     "Apache2 Ubuntu Default Page: It works"),
])
def test_a_servers_default_page_is_no_site(body: str, title: str) -> None:
    assert looks_parked(page(body, title))


@pytest.mark.parametrize("headline, paragraph", [
    ("How we successfully installed solar panels on a listed building",
     "It took two years, but the panels are finally installed and working. " * 10),
    ("Hospital booking app is up and running again after outage",
     "The app is running normally again, the trust said on Tuesday. " * 10),
    ("Default page settings in Word and how to change them for good",
     "Word opens every new document with the same default page margins. " * 10),
    # short enough not to be headlined: the headline itself reports an app back up
    ("Council parking app is up and running again after outage",
     "The app is running again, the council said."),
    # a short post whose opening quotes a default page's words: its title is a headline
    ("My Raspberry Pi web server is working, finally",
     "After three weekends, your web server is working when you see the welcome page."),
])
def test_articles_about_installs_and_defaults_stay_quiet(headline: str, paragraph: str) -> None:
    assert looks_parked(news(headline, [paragraph])) is None


# --- consent walls in other languages -----------------------------------------------------

DE_WALL = (
    "<h1>Lesen Sie die Tagespost mit Werbung oder im Pur-Abo</h1><h2>Mit Werbung lesen</h2>"
    "<p>Nutzen Sie unser Angebot wie gewohnt mit Werbung und Tracking. Wir und unsere 142 "
    "Partner speichern und/oder greifen auf Informationen auf Ihrem Gerät zu, z. B. Cookies "
    "und eindeutige Kennungen, und verarbeiten personenbezogene Daten für personalisierte "
    "Anzeigen und Inhalte, Anzeigen- und Inhaltsmessung sowie Erkenntnisse über Zielgruppen. "
    "Ihre Einwilligung können Sie jederzeit unter Datenschutz-Einstellungen widerrufen.</p>"
    "<button>Akzeptieren und weiter</button><h2>Werbefrei lesen im Pur-Abo</h2><p>Ohne "
    "Werbetracking für 3,99 € im Monat.</p><button>Jetzt abonnieren</button>")
FR_WALL = (
    "<h1>Nous respectons votre vie privée</h1><p>Avec votre accord, nos partenaires et nous "
    "utilisons des cookies ou technologies similaires pour stocker et accéder à des "
    "informations personnelles comme votre visite sur ce site. Vous pouvez retirer votre "
    "consentement à tout moment. Avec nos partenaires, nous traitons les données suivantes : "
    "publicités et contenu personnalisés, mesure de performance des publicités, stocker et/ou "
    "accéder à des informations sur un terminal.</p><button>En savoir plus</button>"
    "<button>Continuer sans accepter</button><button>Accepter &amp; Fermer</button>")


IT_WALL = (
    "<h2>Rispettiamo la tua privacy</h2><p>Noi e terze parti selezionate utilizziamo cookie o "
    "tecnologie simili per finalità tecniche e, con il tuo consenso, anche per altre finalità "
    "come specificato nella cookie policy. Per quanto riguarda la pubblicità, potremmo "
    "utilizzare dati di geolocalizzazione e identificazione attraverso la scansione del "
    "dispositivo, e trattare dati personali per annunci e contenuti personalizzati.</p>"
    "<button>Scopri di più</button><button>Rifiuta</button><button>Accetta</button>")


@pytest.mark.parametrize("body", [DE_WALL, FR_WALL, IT_WALL])
def test_consent_walls_in_other_languages(body: str) -> None:
    wall = page(body, "Le Courrier")
    assert looks_consent(wall)
    assert looks_challenge(wall, {}, 200)


@pytest.mark.parametrize("body", [
    # an article under a cookie banner that offers the same buttons
    f"<header><nav><ul>{MENU}</ul></nav></header><main><h1>Rückenschmerzen: Was hilft</h1>"
    + "<p>Fast jeder Mensch hat irgendwann Rückenschmerzen; meist vergehen sie. </p>" * 20
    + "</main><div class='banner'><p>Wir verwenden Cookies und Partner.</p>"
      "<button>Alle akzeptieren</button></div>",
    # a short shop page that mentions accepting everything, not a dialog
    "<h1>Tout accepter ?</h1><p>Notre boutique accepte toutes les cartes.</p>",
])
def test_pages_with_consent_buttons_but_content_of_their_own_are_not_walls(body: str) -> None:
    assert looks_consent(page(body, "Gesundheitsportal")) is None


# --- wording of other vendors ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Your access to this site has been limited by the site owner. If you think you have been "
    "blocked in error, contact the owner of this site.",
])
def test_a_block_addressed_to_the_visitor_is_a_wall(text: str) -> None:
    wall = page(f"<h1>Blocked</h1><p>{text}</p>", "Your access to this site has been limited")
    assert looks_challenge(wall, {}, 503)


def test_a_help_article_headlined_with_the_block_message_is_not_a_wall() -> None:
    headline = "How to fix “Your access to this site has been limited by the site owner”"
    item = news(headline, [
        "If you see the message “Your access to this site has been limited by the site owner”, "
        "Wordfence has blocked your IP address. If you think you have been blocked in error, "
        "the site owner can unblock you from the dashboard.",
        "Site owners should open Wordfence, go to Blocking, and remove the rule that matched. "
        "Rate-limiting rules are the most common cause; crawlers hit them often."])
    assert looks_challenge(item, {}, 200) is None


@pytest.mark.parametrize("heading", [
    "We can’t seem to find the page you’re looking for.",
    "Ops! Não encontramos a página que você procurou.",
    "Sidan kunde inte hittas",
])
def test_more_ways_of_saying_not_found(heading: str) -> None:
    assert looks_soft_404(page(f"<main><h2>{heading}</h2><p>Try the search.</p></main>",
                               "Loja Verde Vida"))


@pytest.mark.parametrize("title", [
    "Sorry, the page you requested cannot be found",
    "Oops! We can't find the page you're looking for",
])
def test_a_headlined_error_page_whose_title_states_the_error_is_still_an_error(
        title: str) -> None:
    built = page(f"<header><nav><ul>{MENU}</ul></nav></header><main><h1>{title}</h1>"
                 + "<p>Try the search box above, or one of these popular services. </p>" * 8
                 + "</main>", f"{title} | County of Marlow")
    assert headlined(built)
    assert looks_soft_404(built)


# --- a vendor's page in the site's place --------------------------------------------------

def test_link_hosts_are_where_a_short_pages_links_lead() -> None:
    built = page('<a href="https://www.Wix.com/start">Start</a><a href="/about">About</a>'
                 '<a href="#top">Top</a><a href="mailto:a@b.c">Mail</a>'
                 '<a href="//manage.wix.com/domains">Domains</a>')
    assert built.link_hosts == ("", "manage.wix.com", "wix.com")


@pytest.mark.parametrize("host, site", [
    ("www.shop.example.co.uk", "example.co.uk"), ("manage.wix.com", "wix.com"),
    ("example.org", "example.org"), ("203.0.113.7", "203.0.113.7")])
def test_site_of_a_host(host: str, site: str) -> None:
    from monitor.parking import site_of
    assert site_of(host) == site


WIX = ('<h1>Almost there!</h1>'  # no known wording: only where the links lead
       '<p>Go to your Wix account to finish setting up greenleafyoga.com.</p>'
       '<a href="https://manage.wix.com/account/domains">Connect</a>'
       '<a href="https://www.wix.com/start/website">Get started</a>')


@pytest.mark.parametrize("body, url, flagged", [
    (WIX, "https://greenleafyoga.com/classes", True),
    # a site's own page links to the site itself
    (WIX.replace("wix.com", "greenleafyoga.com"), "https://greenleafyoga.com/classes", False),
    # one link only, or links to several sites: no single vendor
    ('<p>Follow us on Wix.</p><a href="https://wix.com/">Wix</a>', "https://a-site.org/x", False),
    (WIX + '<a href="https://twitter.com/x">Twitter</a>', "https://greenleafyoga.com/", False),
    # the page does not name the site it links to
    (WIX.replace("Wix account", "account"), "https://greenleafyoga.com/classes", False),
    # no host name to compare with (served from an address): the site's own absolute links
    # would look foreign
    (WIX, "http://127.0.0.1:8080/classes", False),
])
def test_a_page_whose_links_all_lead_to_the_vendor_it_names(body: str, url: str,
                                                            flagged: bool) -> None:
    built = page(body, "Domain Not Connected")
    got = looks_parked(built, url)
    assert bool(got and "every link leads to" in got) is flagged
