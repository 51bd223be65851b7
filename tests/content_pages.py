"""Page pairs for content-drift tests: one article as curated, and the ways it can change."""

from __future__ import annotations

STENOSIS = (
    "Lumbar spinal stenosis narrows the spaces inside the lower spine and can press on nerves.",
    "Gentle flexion exercises often ease the leg pain that comes with walking.",
    "Start each session lying on your back with both knees bent and feet flat on the floor.",
    "Pull one knee slowly towards your chest, hold it for a slow breath, then lower it again.",
    "Pelvic tilts strengthen the deep abdominal muscles that support the lumbar vertebrae.",
    "A stationary bicycle lets you train endurance while leaning slightly forward.",
    "Walking in water reduces the load on the spine and builds confidence for longer walks.",
    "Stop any movement that causes numbness, weakness or pain that spreads down a leg.",
    "Physiotherapists can adapt every exercise to your age, fitness and other conditions.",
    "Most people notice less stiffness after several weeks of regular, patient practice.",
)
CRYPTO = (
    "Our exchange lists hundreds of tokens with some of the lowest trading fees anywhere.",
    "Sign up today to receive a generous welcome bonus on your very first deposit.",
    "Advanced charting tools help traders spot momentum before the rest of the market.",
    "Staking rewards are paid out daily straight into your connected wallet balance.",
    "Our mobile app supports instant transfers between accounts in many currencies.",
    "Security audits by independent firms confirm that customer funds stay protected.",
    "Refer a friend and both of you will unlock reduced fees for an entire season.",
    "Institutional clients benefit from dedicated account managers around the clock.",
    "Market makers enjoy rebates on qualifying volume every single calendar month.",
    "Download the whitepaper to read about our roadmap and governance token plans.",
)
EXTRA = ("Swimming is another option: the water carries your weight, and the gentle strokes "
         "keep the back moving without jolts, which many readers with stenosis find easier.")


def page(paragraphs: tuple[str, ...] | list[str], *, title: str = "Exercises for Spinal Stenosis",
         date: str = "Updated March 3, 2025", views: str = "1,204 views", noise: str = "",
         related: tuple[str, ...] = ("Knee pain", "Hip bursitis", "Neck strain")) -> str:
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    items = "".join(f"<li><a href='/r/{i}'>{name}: what to know</a></li>"
                    for i, name in enumerate(related))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>{noise}"
        "<nav><a href='/'>Home</a> <a href='/spine'>Spine</a> <a href='/about'>About us</a></nav>"
        f"<main><article><h1>{title}</h1><p class='byline'>{date} · {views}</p>{paras}"
        "</article></main>"
        f"<aside class='related'><h2>Related articles</h2><ul>{items}</ul></aside>"
        "<footer><p>© 2025 Spine Health Media. All rights reserved. Privacy policy.</p>"
        "</footer></body></html>"
    )


COOKIE_AND_AD = (
    "<div id='cookie-banner' class='cookie-consent'>We use cookies to improve your experience."
    " <button>Accept all</button></div><div class='ad advertisement'>Advertisement: the best "
    "mattress of the year, now 40% off</div>"
)


def curated() -> str:
    return page(STENOSIS)


def same_article_new_noise() -> str:
    return page(STENOSIS, date="Updated June 21, 2026", views="9,877 views", noise=COOKIE_AND_AD,
                related=("Sciatica relief", "Shoulder impingement", "Back braces", "Yoga"))


def body_replaced() -> str:
    return page(CRYPTO)


def paragraph_added() -> str:
    return page([*STENOSIS[:5], EXTRA, *STENOSIS[5:]])


def half_rewritten() -> str:
    return page([c if i % 2 else s for i, (s, c) in enumerate(zip(STENOSIS, CRYPTO, strict=True))])
