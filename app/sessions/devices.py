"""What a session list shows of a browser: a coarse description and a hidden address.

ua-parser's rules (updated monthly by its maintainers) name a browser and a system where a
hand-written list would go stale and confuse Edge, Opera or Samsung Internet with Chrome.
"""

import ipaddress

from flask_babel import _
from ua_parser import parse_os, parse_user_agent

# The longest name kept of a browser or a system.
NAME_LENGTH = 64


def describe_user_agent(user_agent: str) -> tuple[str | None, str | None]:
    """The browser family and the operating system of a User-Agent ("Firefox", "Windows");
    None for what it does not tell."""
    browser = parse_user_agent(user_agent[:1000])
    system = parse_os(user_agent[:1000])

    def known(name: str | None) -> str | None:
        return name[:NAME_LENGTH] if name and name != "Other" else None

    return (
        known(browser.family if browser else None),
        known(system.family if system else None),
    )


def hide_address(address: str | None) -> str | None:
    """The address with its host part hidden: the last octet of IPv4 (203.0.113.*), all but
    the /48 of IPv6, enough to tell a network, not a household."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return ".".join(str(ip).split(".")[:3]) + ".*"
    network = ipaddress.IPv6Network(f"{ip}/48", strict=False)
    return str(network)


def device_name(record) -> str:
    """How the session list and the new sign-in email name a record's browser."""
    if record.browser and record.os:
        return _("%(browser)s on %(os)s", browser=record.browser, os=record.os)
    return record.browser or record.os or _("Unknown device")
