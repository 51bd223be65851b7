"""Parked and for-sale domains, registrar placeholders, suspended or expired hosting and
platforms' "no site here" pages: the site is gone whatever the status code says.

Pure functions over a Page. Besides the wording of sale and suspension notices, two
signals read how such pages are built, in any vendor's template: a page whose main heading
or title is a bare domain name and that talks of buying, prices or registration (a lander),
and a short page that addresses the site's *owner* rather than its readers ("Are you the
store owner?", "If you are the owner of this website...", "Is this your site?").
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Page
from .pagehints import (
    BARE_MAX_LINKS,
    article_like,
    article_sized,
    bare,
    headline_title,
    label_match,
    lead,
    search_if,
    title_segments,
)

_DOMAIN = r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}"
_FOR_SALE = re.compile(
    r"\b(?:this\s+domain\s+(?:name\s+)?(?:is|may\s+be)\s+(?:for\s+sale|available)"
    r"|(?:the\s+)?domain\s+(?:name\s+)?[\w.-]*\s*(?:is|may\s+be)\s+for\s+sale"
    rf"|{_DOMAIN}\s+(?:is|may\s+(?:still\s+)?be)\s+for\s+(?:sale|lease)"
    rf"|{_DOMAIN}\s+may\s+still\s+be\s+available"
    r"|domain\s+name\s+is\s+available\s+for\s+(?:purchase|sale|lease)"
    r"|(?:buy|purchase|lease|get|claim)\s+this\s+domain|(?:domain|website)\s+(?:is\s+)?parked"
    r"|parked\s+(?:free|domain)|make\s+an\s+offer\s+on\s+this\s+domain"
    r"|inquire\s+about\s+this\s+domain|contact\s+(?:with\s+)?(?:the\s+)?domain\s+owner"
    r"|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic|domain\s+parking"
    r"|this\s+web\s+page\s+is\s+parked)",
    re.IGNORECASE,
)
#: Said by parking and hosting placeholders, but also by articles: thin pages only.
_THIN_PARKED = re.compile(
    r"\bparked\s+(?:at|by|with)\s+\w+|^\s*(?:domain\s+)?default\s+(?:web\s+)?page\b"
    r"|\bwelcome\s+to\s+nginx\b|\bdefault\s+page\b.{0,20}\bit\s+works\b|^\s*it\s+works!"
    r"|\b(?:web\s+)?server'?s?\s+default\s+page\b|^\s*iis\s*(?:windows\s+server|\d+(?:\.\d+)?)\s*$",
    re.IGNORECASE,
)
#: A title that is nothing but "<domain> is available/for sale".
_DOMAIN_TITLE_AVAILABLE = re.compile(rf"^\s*{_DOMAIN}\s+is\s+available\s*$", re.IGNORECASE)
_SUSPENDED = re.compile(
    r"\b(?:(?:this\s+)?account\s+(?:has\s+been\s+|is\s+|was\s+)?(?:suspended|expired)"
    r"|(?:web)?site\s+(?:has\s+)?expired|(?:web\s*)?site\s+(?:has\s+been\s+|is\s+)"
    r"(?:suspended|disabled|deactivated)|hosting\s+(?:account\s+|plan\s+)?(?:has\s+)?expired"
    r"|bandwidth\s+limit\s+exceeded|(?:this\s+)?domain\s+(?:name\s+)?(?:has\s+)?expired"
    r"|site\s+(?:was|has\s+been)\s+deleted"
    # the notice's own label: "Site Suspended", "Domain suspended", "Dominio suspendido"
    r"|(?:web\s*)?site\s+suspended|(?:this\s+)?domain\s+(?:has\s+been\s+|is\s+)?suspended"
    r"|hosting\s+(?:account\s+)?suspended"
    r"|(?:dominio|sitio|cuenta)\s+(?:est[aá]\s+)?suspendid[oa]|(?:site|compte|domaine)\s+"
    r"(?:est\s+)?suspendu|(?:dom[ií]nio|conta)\s+(?:est[aá]\s+)?suspens[oa]"
    r"|(?:web)?site\s+is\s+temporarily\s+unavailable.{0,200}?\b(?:contact|manage\s+this\s+site)"
    r"|suspendedpage\.cgi)",
    re.IGNORECASE | re.DOTALL,
)
#: A platform's or registrar's "nothing is published at this address".
_NO_SITE = re.compile(
    rf"\b(?:{_DOMAIN}\s+(?:doesn['’]?t|does\s+not)\s+exist"
    r"|(?:is\s+not|isn['’]?t|not)\s+(?:yet\s+)?connected\s+to\s+(?:a|an|any)\s+(?:\w+\s+)?"
    r"(?:web)?site"
    r"|(?:web)?site\s+is\s+no\s+longer\s+available|(?:been|was)\s+archived\s+or\s+deleted"
    r"|(?:blog|site|website|store|shop|workspace|team|account|project|community|forum|group)"
    r"\s+has\s+been\s+(?:removed|deleted|archived|closed)"
    rf"|{_DOMAIN}\s+is\s+no\s+longer\s+available"
    r"|(?:deleted|removed|closed)\s+this\s+(?:site|blog|website|store|shop|workspace)"
    # a hosting platform's page for a project or user that never published one
    r"|(?:has\s*n['’]?t|has\s+not)\s+(?:yet\s+)?(?:uploaded|published|created|set\s+up)\s+"
    r"(?:their|its|a|any)\s+(?:\w+\s+)?(?:web\s*page|web\s*site|site|home\s*page)"
    r"|no\s+(?:web\s*)?site\s+(?:is\s+)?(?:configured\s+)?at\s+this\s+address"
    r"|domain\s+(?:name\s+)?(?:has\s+(?:just\s+|recently\s+)?been|was\s+(?:just\s+|recently\s+))"
    r"registered"
    # a platform's technical name, no site: "This sub-domain is used for link redirection"
    r"|this\s+(?:sub-?\s*)?domain\s+(?:name\s+)?is\s+(?:only\s+)?used\s+(?:for|by)\s+"
    r"(?:link|tracking|redirect|technical|e-?mail|static|internal|the\s+\w+\s+(?:platform|service))"
    r"|^technical\s+(?:sub-?)?domain$)",
    re.IGNORECASE,
)
#: Words to the site's owner, not its readers.
_OWNER = re.compile(
    r"\b(?:are\s+you\s+the\s+(?:\w+\s+)?owner|if\s+you(?:['’]re|\s+are)\s+the\s+(?:\w+\s+)?owner"
    r"|is\s+this\s+your\s+(?:web)?site\b|if\s+you\s+(?:own|manage)\s+this\s+(?:web)?site"
    r"|(?:are|if)\s+you\s+(?:are\s+)?the\s+owner\s+of\s+this\s+(?:domain|website|site|store|shop))",
    re.IGNORECASE,
)
#: An owner-addressed page is a lone notice: a few sentences, no article.
_OWNER_MAX_CONTENT = 800
#: A vendor's page links to its sign-up, log-in or help pages: two links at least.
_VENDOR_MIN_LINKS = 2
_MIN_BRAND_CHARS = 3
#: What a lander under a bare-domain heading offers.
_LANDER_OFFER = re.compile(
    r"\b(?:buy(?:\s+now)?|make\s+an\s+offer|offer|price|purchase|lease|for\s+sale|own\s+it"
    r"|(?:was|been|is)\s+(?:recently\s+|just\s+)?registered|registered\s+(?:at|with))\b"
    r"|(?:USD|EUR|GBP|\$|€|£)\s?\d",
    re.IGNORECASE,
)
_BARE_DOMAIN = re.compile(rf"^\s*(?:www\.)?{_DOMAIN}\s*$", re.IGNORECASE)
_PLACEHOLDER = re.compile(  # no leading \b: block elements' texts may run together
    r"(?:coming\s+soon|under\s+construction|future\s+home\s+of|launching\s+soon"
    r"|website\s+is\s+(?:being\s+built|on\s+its\s+way)|default\s+(?:web\s+)?page)\b",
    re.IGNORECASE,
)
_PLACEHOLDER_CHARS = 300
#: A tiny page that talks of "this domain" is a registry's or registrar's notice.
_ABOUT_THE_DOMAIN = re.compile(r"\b(?:this|the)\s+domain(?:\s+name)?\b[^.]{0,80}", re.IGNORECASE)
_TEXT_WITHIN = 320

_FOR_SALE_TRIGGERS = ("domain", "for sale", "for lease", "still be available", "parked", "sedo",
                      "parkingcrew", "bodis", "afternic")
_SUSPENDED_TRIGGERS = ("suspend", "suspens", "expired", "deactivated", "bandwidth limit",
                       "temporarily unavailable", "site was deleted", "site has been deleted",
                       "site is disabled", "site has been disabled")
_NO_SITE_TRIGGERS = ("exist", "connected to", "no longer available", "archived", "removed",
                     "domain is", "domain name is", "technical",
                     "deleted", "at this address", "registered", "closed", "uploaded",
                     "published", "created", "set up")


def _bare_domain_lander(page: Page, title: str) -> str | None:
    """A thin page headed by nothing but a domain name that offers it for sale or says it
    was just registered: every registrar's and marketplace's lander is built so."""
    if not bare(page) or article_sized(page):
        return None
    named = [h for h in page.headings[:1] if _BARE_DOMAIN.match(h)]
    named += [seg for seg in title_segments(title)[:1] if _BARE_DOMAIN.match(seg)]
    if not named:
        return None
    offer = _LANDER_OFFER.search(page.text) or _LANDER_OFFER.search(title)
    if offer is None:
        return None
    return f"domain for sale or parked: a page headed {named[0]!r} that says {offer.group(0)!r}"


#: What a freshly installed server or platform says to its *operator*, not to readers: the
#: install worked, put your content here. Any vendor's default page is built around it.
_FOR_OPERATOR = re.compile(
    r"\b(?:(?:is|been|you['’]ve|have)\s+successfully\s+(?:installed|set\s*-?\s*up)"
    r"|installed\s+and\s+working|used\s+to\s+test\s+the\s+(?:proper|correct)\s+operation\s+of"
    r"|welcome\s+to\s+your\s+new\s+(?:app|site|web\s*site|server|store|shop)\b"
    r"|has\s+not\s+(?:yet\s+)?(?:put\s+up|uploaded|published)\s+any\s+(?:web\s+)?(?:pages|content)"
    r"|further\s+configuration\s+is\s+required|waiting\s+for\s+your\s+content"
    r"|(?:replace|remove)\s+this\s+(?:file|page|default\s+page|index(?:\.\w+)?)\b"
    # said to "your" server or app: a news item says "the app is up and running again"
    r"|your\s+(?:web\s+)?server\s+is\s+(?:working|installed)"
    # ("Your Functions 3.0 app is up and running")
    r"|your\s+(?:[\w.-]+\s+){0,3}?(?:web\s+app|app\s+service(?:\s+app)?|app)\s+is\s+"
    r"(?:up\s+and\s+)?running\b"
    r"|to\s+(?:finish\s+)?set(?:ting)?\s+up\s+your\s+(?:new\s+)?(?:web\s*site|site|web\s+address"
    r"|domain|store|shop)\b"
    r"|default\s+(?:welcome\s+)?page\s+(?:used\s+to\s+test|of\s+(?:the\s+|your\s+)?\w+)"
    # a new site's placeholder: "This website has been successfully created. There's nothing
    # here yet", cPanel's "no website configured at this address", Plesk's generated page
    r"|(?:this|your)\s+(?:new\s+)?(?:web\s*site|site|web\s+app)\s+has\s+been\s+"
    r"(?:successfully\s+)?(?:created|set\s+up|provisioned)"
    r"|there\s*(?:is|['’]s)\s+nothing\s+(?:to\s+see\s+)?here\s+yet"
    # a host's page for a new account: "Your hosting is active!", "Votre hébergement est actif"
    r"|(?:your|votre)\s+(?:web\s+)?(?:hosting|h[ée]bergement)\s+(?:account\s+)?(?:is|est)\s+"
    r"(?:now\s+)?(?:active|actif|ready|pr[eê]t)"
    # a hosted platform's page for a domain pointed at it before anything was published
    r"|(?:domain|site|web\s*site|hosting|newsroom|store|shop)\s+(?:setup|set-?up|configuration)\s+"
    r"(?:is\s+|was\s+)?(?:complete[d]?|successful|done|finished)\b"
    r"|no\s+(?:web\s*site|site)\s+(?:is\s+)?configured\s+(?:at|for)\s+this\s+(?:address|domain)"
    r"|this\s+page\s+(?:is|was)\s+(?:auto-?)?generated\s+by\s+(?:plesk|cpanel|directadmin))",
    re.IGNORECASE,
)
#: A title or heading that names a server's default page ("Apache2 Ubuntu Default Page",
#: "Caddy works!"): a label, read only on a page with a handful of links.
_DEFAULT_LABEL = re.compile(
    r"\bdefault\s+(?:welcome\s+|web\s+)?page$|^\w+\s+works!$"
    # "Test Page for the Apache HTTP Server (on Red Hat Enterprise Linux)"
    r"|^test\s+page\s+for\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}?(?:http\s+|web\s+)?server\b"
    r"(?:\s+on\s.*)?|\b(?:http|web)\s+server\s+test\s+page\b",
    re.IGNORECASE)
_COLON = re.compile(r":\s+")
#: A label saying this domain is not set up, or held by its registrar: what a host's or
#: registrar's page in the site's place is titled ("Domain Not Claimed", "Registrant WHOIS
#: contact information verification"), often over a page drawn by JavaScript alone.
_DOMAIN_UNSET = re.compile(
    r"\bdomain\s+(?:name\s+)?(?:is\s+)?(?:not\s+(?:yet\s+)?(?:claimed|configured|connected|set\s+up"
    r"|active|verified)|unclaimed|on\s+hold|pending\s+(?:verification|activation))\b"
    r"|\b(?:whois|registrant)\b.{0,60}?\bverification\b",
    re.IGNORECASE)
_OPERATOR_TRIGGERS = ("install", "configuration", "your content", "replace this", "setup",
                      "set-up", "set up", "proper operation", "correct operation", "your new",
                      "hosting", "hébergement", "hebergement", "nothing to see",
                      "has not", "remove this", "server is", "running", "default", "set up your",
                      "setting up your", "created", "set up", "provisioned", "nothing here",
                      "configured", "generated by")


def _operator_notice(page: Page, title: str, *, article: bool, thin: bool) -> str | None:
    """A server's or platform's default page: words to the operator who installed it, in a
    title or heading, or opening a thin page. However long its setup notes run, such a page
    has a handful of links and no article of its own."""
    few_links = page.links <= BARE_MAX_LINKS and len(page.text) <= SHORT_PAGE_CHARS
    if article_sized(page) and not few_links:
        return None
    # "Apache2 Ubuntu Default Page: It works" (a colon joins the label to the greeting)
    labels = (*_COLON.split(title), *page.headings)
    label = label_match(_DEFAULT_LABEL, *labels) if few_links else None
    if label:
        return f"a server's default page, no site: titled {label.group(0)!r}"
    # A title with a headline of its own names an article, whatever its opening quotes
    # ("My Raspberry Pi web server is working, finally"); default pages are titled by the
    # software ("Apache Tomcat/9.0.85", "Web Station") unless they have next to no links.
    if article or not thin or (headline_title(title) and not few_links):
        return None
    for text in (title, *page.headings, page.content_text[:_TEXT_WITHIN]):
        match = search_if(_FOR_OPERATOR, text, _OPERATOR_TRIGGERS)
        if match:
            return (f"a server's or platform's default page, no site: page says "
                    f"{match.group(0)!r}")
    return None


#: Second-level labels under which country registries sell names (`example.co.uk`).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})
_IP_ADDRESS = re.compile(r"^[\d.]+$|:")


def site_of(host: str) -> str:
    """The registrable name of a host, roughly: `www.shop.example.co.uk` -> `example.co.uk`;
    an IP address is its own site."""
    host = host.lower().rstrip(".").removeprefix("www.")
    if _IP_ADDRESS.search(host):
        return host
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL \
        else 2
    return ".".join(labels[-keep:])


def _vendor_page(page: Page, final_url: str) -> str | None:
    """A bare page whose every link leads to one other site: a host's, registrar's or
    platform's page in the site's place (Wix, Hostinger, WordPress.com, GoDaddy...). A site's
    own page, even an error page, links to the site itself."""
    if not final_url or not bare(page) or len(page.content_text) > _OWNER_MAX_CONTENT \
            or page.links < _VENDOR_MIN_LINKS or not page.link_hosts or "" in page.link_hosts:
        return None
    sites = {site_of(host) for host in page.link_hosts}
    here = urlsplit(final_url).hostname or ""
    # Without a host name (an address, localhost) a site's own absolute links look foreign.
    if len(sites) != 1 or "." not in here or _IP_ADDRESS.search(here) or site_of(here) in sites:
        return None
    vendor = sites.pop()
    # ... and the page speaks for that vendor: it names it ("Wix.com", "courtesy of Hostinger").
    brand = vendor.split(".")[0]
    if len(brand) < _MIN_BRAND_CHARS or brand not in f"{page.title} {page.text}".lower():
        return None
    return (f"a hosting, registrar or platform page, not the site: every link leads to "
            f"{vendor}")


def _owner_notice(page: Page, texts: tuple[str, ...]) -> str | None:
    if not bare(page) or len(page.content_text) > _OWNER_MAX_CONTENT:
        return None
    for text in texts:
        match = _OWNER.search(text) if text else None
        if match:
            return (f"a hosting or platform notice to the site's owner, no site: page says "
                    f"{match.group(0)!r}")
    return None


def looks_parked(page: Page, final_url: str = "") -> str | None:
    """Parked and for-sale domains, registrar placeholders and suspended or expired hosting:
    the site is gone whatever the status code says. The detail says which."""
    if "suspendedpage.cgi" in final_url.lower():
        return ("hosting or domain suspended or expired: redirected to the host's "
                "suspended-account page")
    title = page.title or ""
    article = article_like(page)
    # An article's body may quote a notice ("the page said 'This domain is for sale'"): on
    # an article-sized page only its opening counts, besides its title and headings.
    short = (lead(page) if article else page.text) if len(page.text) <= SHORT_PAGE_CHARS else ""
    thin = len(page.content_text) <= THIN_CONTENT_CHARS
    if thin:
        # Only a thin page is the host's notice: an article may report a suspended account.
        heads = (title, *page.headings)
        suspended = (label_match(_SUSPENDED, *heads) if article else
                     search_if(_SUSPENDED, title, _SUSPENDED_TRIGGERS)) \
            or search_if(_SUSPENDED, short, _SUSPENDED_TRIGGERS)
        if suspended:
            return f"hosting or domain suspended or expired: page says {suspended.group(0)!r}"
        gone = (label_match(_NO_SITE, *heads) if article else
                next(filter(None, (search_if(_NO_SITE, t, _NO_SITE_TRIGGERS) for t in heads)),
                     None)) or search_if(_NO_SITE, short, _NO_SITE_TRIGGERS)
        if gone:
            return f"no site at this address: page says {gone.group(0)!r}"
    for text in (title, *page.headings, short):
        match = search_if(_FOR_SALE, text, _FOR_SALE_TRIGGERS)
        if match:
            return f"domain for sale or parked: page says {match.group(0)!r}"
    if _DOMAIN_TITLE_AVAILABLE.search(title):
        return f"domain for sale or parked: titled {title!r}"
    lander = _bare_domain_lander(page, title)
    if lander:
        return lander
    if thin:
        for text in (title, *page.headings, short[:_TEXT_WITHIN]):
            # An article's headline may say "parked with ads": there only a label counts.
            match = (label_match(_THIN_PARKED, text) if article and text != short[:_TEXT_WITHIN]
                     else _THIN_PARKED.search(text)) if text else None
            if match:
                return f"parked or a server's placeholder, no site: page says {match.group(0)!r}"
    operator = _operator_notice(page, title, article=article, thin=thin)
    if operator:
        return operator
    owner = _owner_notice(page, (*page.headings, short))
    if owner:
        return owner
    vendor = _vendor_page(page, final_url)
    if vendor:
        return vendor
    if "parking-lander" in page.marks and bare(page):
        return "domain parked: a parking lander's script and no content of its own"
    if len(page.text) <= _PLACEHOLDER_CHARS:
        match = _PLACEHOLDER.search(page.text) or _PLACEHOLDER.search(title)
        if match:
            return f"placeholder page, no site: page says {match.group(0)!r}"
        match = _ABOUT_THE_DOMAIN.search(page.text)
        if match:  # a registry's or registrar's notice is all a tiny page says
            return f"a registry or registrar notice, no site: page says {match.group(0)!r}"
    if len(page.content_text) <= _PLACEHOLDER_CHARS and bare(page):
        # "Coming soon" as the title or heading of a page with nothing of its own: the
        # host's upsell links around it do not make it a site.
        match = label_match(_PLACEHOLDER, title, *page.headings)
        if match:
            return f"placeholder page, no site: titled {match.group(0)!r}"
        match = label_match(_DOMAIN_UNSET, title, *page.headings)
        if match:
            return (f"a host's or registrar's page, the domain is not set up: titled "
                    f"{match.group(0)!r}")
    return None
