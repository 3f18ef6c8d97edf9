"""The Chromium benchmark's content: a Danish self-service page with a photo banner,
long enough to scroll, and a second page with a different photo (the page change).

Photos are generated, not downloaded: a smooth landscape (sky gradient, hills, a
sun) plus sensor-like grain, saved as JPEG - deterministic for a seed, and as hard
to compress as a real photo (thousands of colours, noise in every pixel).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PIL import Image

PHOTO_SIZE = (1600, 360)


def photo(seed: int, size: tuple[int, int] = PHOTO_SIZE) -> Image.Image:
    """A photo-like RGB image: sky, two layers of hills, a sun, and grain."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    top, bottom = rng.uniform(60, 200, 3), rng.uniform(150, 255, 3)
    img = top + (bottom - top) * (y / h)[..., None]
    sun_x, sun_y, r = rng.uniform(0.2, 0.8) * w, rng.uniform(0.15, 0.4) * h, h * 0.12
    glow = np.exp(-(((x - sun_x) ** 2 + (y - sun_y) ** 2) / (2 * r * r)))[..., None]
    img = img + glow * (np.array([255.0, 240.0, 200.0]) - img)
    for layer, base in enumerate((0.55, 0.75)):
        phase, freq = rng.uniform(0, 6.3, 3), rng.uniform(1.5, 6.0, 3)
        ridge = base * h + sum(
            h * 0.06 * np.sin(freq[i] * np.pi * x[0] / w + phase[i]) for i in range(3)
        )
        colour = rng.uniform(20, 90, 3) + np.array([0.0, 40.0 * (layer + 1), 0.0])
        shade = np.clip((y - ridge) / h, 0, 1)[..., None]
        img = np.where((y >= ridge)[..., None], colour * (1 - 0.6 * shade), img)
    img = img + rng.normal(0, 6, img.shape)  # grain
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


_STYLE = """
  body { font-family: "DejaVu Sans", sans-serif; margin: 0; background: #f3f3f3; color: #1a1a1a; }
  header { background: #0b3d5c; color: white; padding: 16px 40px; font-size: 22px; }
  nav { background: white; padding: 10px 40px; border-bottom: 1px solid #ccc; font-size: 15px; }
  nav a { margin-right: 24px; color: #0b3d5c; }
  .banner { display: block; width: 100%; height: 360px; object-fit: cover; }
  main { max-width: 820px; margin: 24px auto; background: white; padding: 28px 40px; }
  h1 { font-size: 28px; margin-top: 0; }
  p { line-height: 1.5; }
  label { display: block; font-weight: bold; margin-top: 18px; }
  .help { color: #555; font-size: 14px; }
  input { font-size: 18px; padding: 8px; width: 100%; box-sizing: border-box; }
  .next { display: inline-block; margin-top: 26px; font-size: 18px; padding: 10px 28px;
          background: #0b3d5c; color: white; text-decoration: none; }
  footer { color: #666; font-size: 13px; text-align: center; padding: 30px; }
"""

_TEXT = (
    "Du kan søge om boligstøtte, hvis du bor til leje, i andelsbolig eller i ejerbolig. "
    "Hvor meget du kan få, afhænger af husstandens indkomst, huslejens størrelse, "
    "boligens areal og hvor mange der bor i boligen. Udfyld felterne herunder. "
    "Har du brug for hjælp, kan du ringe til kommunens borgerservice."
)


def _page(title: str, banner: str, body: str) -> str:
    sections = "\n".join(
        f"<h2>{n}. {html.escape(s)}</h2><p>{html.escape(_TEXT)}</p>"
        for n, s in enumerate(
            ("Hvem kan få boligstøtte", "Indkomst", "Husleje", "Ændringer", "Klage"), 1
        )
    )
    return f"""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<header>borger.dk · Selvbetjening</header>
<nav><a href="#">Forside</a><a href="#">Familie og børn</a><a href="#">Bolig og flytning</a>
<a href="#">Sundhed</a><a href="#">Pension</a><a href="#">Kontakt</a></nav>
<img class="banner" src="{banner}" alt="">
<main>
<h1>{html.escape(title)}</h1>
{body}
{sections}
</main>
<footer>Albertslund Kommune · Nordmarks Allé 1 · 2620 Albertslund · Telefon 43 68 68 68</footer>
</body></html>
"""


_FORM = """
<p>{text}</p>
<label for="navn">Navn</label>
<div class="help">Dit fulde navn, som det står i CPR-registret.</div>
<input id="navn" autocomplete="off">
<label for="adresse">Adresse</label>
<div class="help">Vejnavn, husnummer, etage og dør.</div>
<input id="adresse" autocomplete="off">
<label for="telefon">Telefonnummer</label>
<input id="telefon" autocomplete="off">
<a id="next" class="next" href="page2.html">Næste</a>
"""

_SECOND = """
<p>Tak. Vi har gemt dine oplysninger. Tjek dem, før du sender ansøgningen.</p>
<p><b>Navn:</b> Jens Hansen<br><b>Adresse:</b> Vesterbrogade 12, 1620 København V</p>
<a class="next" href="page1.html">Tilbage</a>
"""


def write(folder: Path) -> Path:
    """Write both pages and their photos into ``folder``; returns page 1's path."""
    photo(1).save(folder / "banner1.jpg", quality=90)
    photo(2).save(folder / "banner2.jpg", quality=90)
    first = _page("Ansøg om boligstøtte", "banner1.jpg", _FORM.format(text=html.escape(_TEXT)))
    (folder / "page1.html").write_text(first, encoding="utf-8")
    second = _page("Kontrollér dine oplysninger", "banner2.jpg", _SECOND)
    (folder / "page2.html").write_text(second, encoding="utf-8")
    return folder / "page1.html"
