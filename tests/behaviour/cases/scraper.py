"""A scraper loop: one blocking GET per page, a summary row per page."""

from requests import get


async def crawl(base, pages):
    report = []
    for page in pages:
        r = get(base + page, timeout=5)
        report.append((page, r.status_code, len(r.text)))
    return report
