"""Multipart uploads as bots make them: files= with data= fields."""

import requests


async def upload_report(base, path):
    r = requests.post(f"{base}/upload", files={"file": open(path, "rb")}, data={"channel": "general", "note": "weekly"})
    echoed = r.json()
    return r.status_code, echoed["fields"], echoed["files"]["file"]["filename"], echoed["files"]["file"]["content"]


async def upload_csv(base, path):
    with open(path, "rb") as fh:
        r = requests.post(f"{base}/upload", files={"report": ("report.csv", fh, "text/csv")}, data={"week": "12"})
        return r.json()
