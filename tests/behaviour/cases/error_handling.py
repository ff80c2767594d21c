"""Failures handled in the function's own except clauses."""

import requests


async def fetch_status(base, path):
    try:
        r = requests.get(base + path, timeout=0.5)
        r.raise_for_status()
        return r.json()
    except requests.exceptions.Timeout:
        return "timed out"
    except requests.HTTPError:
        return "http error"


async def health(services):
    report = {}
    for name, url in services.items():
        try:
            r = requests.get(url, timeout=0.5)
            report[name] = "up" if r.ok else f"down ({r.status_code})"
        except requests.exceptions.Timeout:
            report[name] = "slow"
        except requests.exceptions.ConnectionError:
            report[name] = "unreachable"
        except requests.RequestException:
            report[name] = "error"
    return report
