"""A discord.py-style command: fetch JSON, format a reply, send it through ctx."""

import requests


async def repo(ctx, base, name):
    """!repo <name>"""
    r = requests.get(f"{base}/repos/{name}")
    if r.status_code != 200:
        await ctx.send(f"Could not find `{name}` ({r.status_code})")
        return
    data = r.json()
    tags = ", ".join(data["tags"])
    await ctx.send(f"**{data['name']}** by {data['owner']['login']}: {data['stars']} stars [{tags}]")
