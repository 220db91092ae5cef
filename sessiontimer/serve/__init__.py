"""``sessiontimer serve``: the same app in a browser on this machine or, when asked, a tablet.

Built on textual-serve's app process protocol, with everything a served health-record app
needs around it: a key exchanged for a cookie, Origin and Host checks, one app process that
outlives a dropped connection, TLS on the LAN. Imports aiohttp (the ``serve`` extra) and never
Textual: the app runs in its own process.
"""
