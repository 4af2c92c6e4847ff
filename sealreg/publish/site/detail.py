"""Service and provider pages: the main block built straight to markup, inside its template's chrome.

`service.html` and `provider.html` are base.html with a title, a head and a main block; that chrome is the
same for every page of a kind, so it is rendered once per process (`DetailPages`) and each page's title
and main block are joined into it. The main blocks are written here as the pages' markup: through the
template engine they cost ~1 ms a page (31,000 pages at 10,000 providers). Every value goes through
`h()` or a helper returning markup, as in the autoescaping templates; tests/site checks hostile text on
every page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from sealreg.publish.site import glossary
from sealreg.publish.site.evidence import corroboration_badge, gleif_link, lei_check_words
from sealreg.publish.site.filters import (
    change_field,
    change_value,
    flag_links,
    h,
    level_cell,
    level_tag,
    link_to,
    listing,
    one_decimal,
    open_source_badge,
    plain,
    safe_link,
    seal_badge,
    status_badge,
    status_label,
    status_tag,
    ual_badge,
    yes_no,
)
from sealreg.publish.site.rows import NOT_IN_FORCE

#: Stand-ins for the title and the main block when a kind's chrome is rendered (never in page text: a
#: rendered chrome must hold each exactly once).
_TITLE, _MAIN = "\x00title\x00", "\x00main\x00"
_NOT_IN_GLEIF = "Not in GLEIF's LEI records"
_CAPS = ' <strong class="result fail">caps this service</strong>'


def _gloss(root: str, anchor: str) -> str:
    return h(glossary.href(root, anchor))


def _how(d: dict) -> str:
    return "directly" if d["depth"] == 1 else f"through {h(d['path'])}"


def service_main(c: dict, base: dict) -> tuple[str, str]:
    """(title, main block) of a service page (`pages.service_context`)."""
    s, root = c["s"], c["root"]
    name = h(s["name"] or s["service_id"])
    off = s["status"] in NOT_IN_FORCE
    o = [f"<h1>{name}</h1>\n<p class=lead>Offered by "
         f"{link_to(s['provider']['href'], s['provider']['legal_name'] or s['provider_id'], root)}"]
    if s["provider"]["country"]:
        o.append(f" ({h(s['provider']['country'])})")
    if s["model"]:
        o.append(f" · {h(s['model'])}")
    o.append("<h2 class=visually-hidden>Result</h2>\n")
    if off:
        o.append(f"<p class=status-banner>{status_badge(s['status'], root)}: this entry is not in force. The levels "
                 "below are what the answers would give; they do not apply while the service is "
                 f"{h(status_label(s['status']).lower())}.\n")
    o.append(f'<dl class="facts{" not-in-force" if off else ""}">\n<div><dt>SEAL<dd>{seal_badge(s["seal"], root)}')
    if s.get("seal_own") is not None and s["seal_own"] != s["seal"]:
        o.append(f" <span class=hint>(its own SEAL-{h(s['seal_own'])}, capped by what it runs on)</span>")
    elif "seal_uncapped" in s and s["seal_uncapped"] is not None and s["seal_uncapped"] != s["seal"]:
        o.append(f" <span class=hint>(SEAL-{h(s['seal_uncapped'])} before washing caps)</span>")
    o.append(f"</div>\n<div><dt>Sovereignty score<dd class=big>{h(one_decimal(s['sovereignty_score']))}"
             f"<span class=unit> / 100</span></div>\n<div><dt>Union assurance level<dd>{ual_badge(s['ual'], root)}")
    if s.get("ual_own") is not None and s["ual_own"] != s["ual"]:
        o.append(f" <span class=hint>(its own UAL-{h(s['ual_own'])}, capped by what it runs on)</span>")
    o.append(f"</div>\n<div><dt>Status<dd>{status_badge(s['status'], root)}")
    if s["status_reason"]:
        o.append(f"<span class=reason>{h(s['status_reason'])}</span>")
    o.append(f"</div>\n<div><dt>Washing flags<dd>{h(s['flag_count'])}</div>\n"
             f'<div><dt><a href="{_gloss(root, "open-source")}">Open source</a>'
             f"<dd>{open_source_badge(s['open_source_status'])}")
    if s["open_source_license"]:
        o.append(f"<span class=reason>Licence <code>{h(s['open_source_license'])}</code> · "
                 f"{safe_link(s['open_source_repository'], 'source repository')}</span>")
    o.append(f"</div>\n<div><dt>Regions<dd>{h(listing(s['regions']))}</div>\n")
    if s["disclosure_withdrawn"]:
        o.append("<div><dt>Disclosure<dd>Withdrawn by the provider</div>")
    o.append("<div><dt>Evaluated on<dd><span data-release=date>the release's date</span>")
    if s["weights_version"] is not None and str(s["weights_version"]) != base["release"]["usual_weights"]:
        o.append(f" (weights {h(s['weights_version'])})")
    o.append(f"</div>\n<div><dt>Service id<dd><code>{h(s['service_id'])}</code></div>\n</dl>\n"
             "<h2 id=flags>Sovereignty-washing flags</h2>\n")
    flags, count = s["flags"], s["flag_count"]
    if flags:
        o.append(f'<p><a href="{_gloss(root, "flags")}">What each flag means</a>.\n<ul class=flags>\n')
        for f in flags:
            where = f"objective {h(f['objective'])} · capped at " if f["objective"] else "supply chain · published at "
            o.append(f"<li class=flag>{flag_links([f['flag']], root)} · {where}{level_tag('SEAL', f['cap'])}"
                     f"<p class=reason>{h(f['reason'])}\n")
        o.append("</ul>\n")
    if count > len(flags):
        o.append(f"<p>{h(count)} washing flag{'s were' if count > 1 else ' was'} raised at this service's last "
                 "evaluation. Its disclosure has left the registry, so this release no longer holds "
                 f"{'their' if count > 1 else 'its'} details; the release of that evaluation does.\n")
    elif not flags:
        o.append("<p>No washing flags.\n")
    o.append("<h2 id=supply-chain>Supply chain</h2>\n")
    _supply_chain(o, s, root)
    _long_tables(o, c, root)
    o.append("\n")
    o.append(certifications(c["certs"], "Certifications covering this service", root, c["unassigned_certs"]))
    o.append("\n")
    _decisions_history(o, c)
    if c["changes"]:
        o.append("<h3>Changes in this release</h3>\n<ul>\n")
        for ch in c["changes"]:
            o.append(f"<li>{h(change_field(ch['field']))}: {h(ch['change'])}")
            if ch["change"] == "changed":
                o.append(f" from {h(change_value(ch['old_value'], ch['field']))}"
                         f" to {h(change_value(ch['new_value'], ch['field']))}")
        o.append("</ul>\n")
    return name, "".join(o)


def _supply_chain(o: list[str], s: dict, root: str) -> None:
    """The supply-chain section of a service page: the W8 cap, what it runs on and what runs on it."""
    runs_on, runs_under = s["runs_on"], s["runs_under"]
    w8 = [f for f in s["flags"] if f["flag"] == "W8-dependency"]
    if w8:
        o.append(f"<p><strong>Capped by what it runs on.</strong> On its own answers this service reaches "
                 f"SEAL-{h(s['seal_own'])} and UAL-{h(s['ual_own'])}. A service is no more sovereign than what it "
                 f"runs on, so the registry publishes SEAL-{h(s['seal'])} and UAL-{h(s['ual'])}: it "
                 f"{h(w8[0]['reason'])}.\n")
    elif runs_on:
        o.append(f'<p>Nothing it runs on lowers its levels (<a href="{_gloss(root, "flag-w8")}">W8</a>).\n')
    if not runs_on and not runs_under:
        o.append("<p>None named, and no registered service runs on it.\n")
        return
    o.append("<h3>What it runs on</h3>\n")
    if runs_on:
        rows = []
        for d in runs_on:
            kind = d["kind"]
            if kind == "service":
                what = "registered service"
            elif kind == "unregistered":
                what = "service not in this registry (unassessed)"
            else:
                what = f"platform of {h(plain(d['operator_name']))}, operated from {h(plain(d['operator_country']))}"
            own = (f"{level_tag('SEAL', d['dependency_seal_own'])} {level_tag('UAL', d['dependency_ual_own'])}"
                   if kind == "service" else "—")
            cap = ("caps nothing" if d["cap_seal"] is None and d["cap_ual"] is None
                   else f"at most SEAL-{h(d['cap_seal'])} and UAL-{h(d['cap_ual'])}")
            rows.append(f"<tr><th scope=row>{link_to(d['href'], d['name'] or d['dependency'], root)}"
                        f"{_CAPS if d['is_capping'] else ''}<td>{what}<td>{_how(d)}<td>{own}<td>{cap}")
        o.append(_table("dependencies", f"What {h(s['name'] or s['service_id'])} runs on",
                        "<th>Dependency<th>What it is<th>How<th>Its own level<th>Cap on this service", "".join(rows)))
    else:
        o.append("<p>The disclosure names nothing this service runs on.\n")
    o.append("<h3>What runs on it</h3>\n")
    if runs_under:
        o.append("<ul>\n")
        for d in runs_under:
            o.append(f"<li>{link_to(d['href'], d['name'] or d['service_id'], root)} ({_how(d)})")
            if d["is_capping"]:
                o.append(' <strong class="result fail">capped by this service</strong>')
        o.append("</ul>\n")
    else:
        o.append("<p>No registered service runs on it.\n")


#: The long tables of a service page: (heading, context key of its markup, what comes before and after
#: that markup, the text when there is none); `{anchor}` is the glossary link of that anchor.
_LONG_TABLES = (
    ("<h2 id=objectives>Eight objectives</h2>\n", "objective_rows",
     '<p><a href="{seal}">SEAL levels</a>, <a href="{score}">scores and weights</a>.\n<table class="cards objectives">'
     "\n<caption>Objective results</caption>\n"
     "<thead><tr><th scope=col>Objective<th scope=col>Score<th scope=col>SEAL</thead>\n<tbody>\n",
     "</tbody>\n</table>\n", "<p>No objective results.\n"),
    ("<h2 id=criteria>Criteria</h2>\n", "criteria_bodies",
     '<p><a href="{criteria}">Titles, answers and most points</a> (filled in by JavaScript).\n'
     '<table class="cards criteria">\n', "</table>\n", "<p>No criterion results.\n"),
    ("<h2 id=gates>CADA gates</h2>\n", "gate_bodies",
     '<p>UAL-L needs every gate of levels 1 to L (<a href="{ual}">levels</a>).\n<table class="cards gates">\n'
     "<caption>Gates by level and result</caption>\n<thead><tr><th scope=col>Gate<th scope=col>Detail</thead>\n",
     "</table>\n", "<p>No CADA declaration: UAL-0.\n"),
)


@functools.cache
def _long_table_parts(root: str) -> tuple[tuple[str, str, str, str, str], ...]:
    """_LONG_TABLES with their glossary links for pages at `root`."""
    anchors = {a: _gloss(root, a) for a in ("seal", "score", "criteria", "ual")}
    return tuple((head, key, before.format(**anchors), after, none) for head, key, before, after, none in _LONG_TABLES)


def _long_tables(o: list[str], c: dict, root: str) -> None:
    """The objectives, criteria and gates tables of a service page (markup built in DuckDB, `fragments`)."""
    for head, key, before, after, none in _long_table_parts(root):
        o.append(f"{head}{before}{h(c[key])}{after}" if c[key] else head + none)


def _table(cls: str, caption: str, heads: str, rows: str) -> str:
    """A cards table in its scrolling wrapper: its (hidden) caption, column headers and finished rows."""
    return (f'<div class=table-wrap>\n<table class="cards {cls}">\n<caption class=visually-hidden>{caption}</caption>\n'
            f"<thead><tr>{heads}</thead>\n<tbody>\n{rows}</tbody>\n</table>\n</div>\n")


def _decisions_history(o: list[str], c: dict) -> None:
    """The regulator decisions and history tables of a service page."""
    o.append("<h2 id=decisions>Regulator decisions</h2>\n")
    if c["decisions"]:
        rows = "".join(f"<tr><th scope=row>{h(plain(d['decided_at']))}<td>{h(d['action'])}<td>{h(plain(d['reason']))}"
                       f"<td>{h(plain(d['decided_by']))}<td>{h(yes_no(d['in_force']))}\n" for d in c["decisions"])
        o.append(_table("decisions", "Regulator decisions on this service",
                        "<th>Decided at<th>Action<th>Reason<th>By<th>In force", rows))
    else:
        o.append("<p>No regulator decisions.\n")
    o.append("<h2 id=history>History</h2>\n")
    if c["history"]:
        rows = "".join(f"<tr><th scope=row>{h(plain(r['valid_from']))}"
                       f"<td>{h(plain(r['valid_to']) if r['valid_to'] is not None else 'current')}"
                       f"{level_cell(r['seal'])}{level_cell(r['ual'])}<td>{h(one_decimal(r['sovereignty_score']))}"
                       f"<td>{status_tag(r['status'])}\n" for r in c["history"])
        o.append(_table("history", "History of this entry, newest first",
                        "<th>From<th>To<th>SEAL<th>UAL<th>Score<th>Status", rows))
    else:
        o.append("<p>No history recorded.\n")


def certifications(certs: list[dict], caption: str, root: str, unassigned: Sequence[dict] = (),
                   covers: bool = False) -> str:
    """The certifications section of a provider page and of a service page: one row per certificate, with its
    validity on the evaluation date and what the scheme's register says about it (assurance-rules §6.3),
    linked to the authority's entry. On the provider page (`covers`) the last column names the services the
    certificate lists (its rows arrive ordered by certificate, one per listed service, and are written as one
    row); a certificate that lists no service covers none (W4 counts a certificate only for the services it
    lists), and its row says so. On a service page every row covers that service, so there is no such column;
    a certificate of its provider that lists no service (`unassigned`) is named below the table."""
    o = ["<h2 id=certs>Certifications</h2>\n"]
    if certs:
        rows = []
        last: Any = None
        for i, c in enumerate(certs):
            row = (c["certificate_id"], c["scheme"], c["issuer"], c["valid_from"], c["valid_until"],
                   c["valid_on_as_of"], c["corroboration"], c["register_source_url"]) if covers else None
            if not covers or i == 0 or row != last:
                rows.append(("\n" if i else "")
                            + f"<tr><th scope=row>{h(plain(c['scheme']))}<td>{h(c['certificate_id'])}"
                            f"<td>{h(plain(c['issuer']))}<td>{h(plain(c['valid_from']))}<td>{h(plain(c['valid_until']))}"
                            f"<td>{h(yes_no(c['valid_on_as_of']))}"
                            f"<td>{corroboration_badge(c['corroboration'], c['register_source_url'])}"
                            f"{'<td>' if covers else ''}")
            else:
                rows.append(", ")
            last = row
            if covers:
                rows.append(h(c["service_id"]) if c["service_id"] is not None else "no service (it lists none)")
        heads = ("<th>Scheme<th>Certificate<th>Issuer<th>Valid from<th>Valid until<th>Valid on the evaluation date"
                 f"<th>Scheme register{'<th>Covers' if covers else ''}")
        o.append(_table("certs", h(caption), heads, "".join(rows) + "\n"))
    else:
        o.append("<p>No certificate lists this service." if unassigned else "<p>No certifications.")
    if unassigned:
        n = len(unassigned)
        ids = h(", ".join(str(u["certificate_id"]) for u in unassigned))
        o.append(f"<p>The provider also declares {n} certificate{'s' if n > 1 else ''} that list{'s' if n == 1 else ''}"
                 f" no service ({ids}). A certificate covers only the services it lists, so "
                 f"{'these cover' if n > 1 else 'it covers'} no service and count{'s' if n == 1 else ''} for none in "
                 "the W4 check.\n")
    if certs or unassigned:
        o.append(f'<p class=hint>When one counts: <a href="{_gloss(root, "flag-w4")}">W4</a>, '
                 f'<a href="{_gloss(root, "flag-w7")}">W7</a>.\n')
    return "".join(o)


def provider_main(c: dict, base: dict) -> tuple[str, str]:
    """(title, main block) of a provider page (`pages.render_providers`)."""
    p, root = c["p"], c["root"]
    name = h(p["legal_name"] or p["provider_id"])
    o = [f"<h1>{name}</h1>\n<p class=lead>Provider {h(p['provider_id'])}"]
    if p["country"]:
        o.append(f", established in {h(p['country'])}")
    lei = f"<code>{h(p['lei'])}</code>" if p["lei"] else "—"
    o.append(f".\n<h2 id=facts>Facts</h2>\n<dl class=facts>\n<div><dt>Country<dd>{h(plain(p['country']))}</div>\n"
             f"<div><dt>LEI<dd>{lei}</div>\n"
             f"<div><dt>Website<dd>{h(safe_link(p['website']) if p['website'] else '—')}</div>\n"
             f"<div><dt>Ultimate controller<dd>{h(plain(p['ultimate_controller_name']))}")
    if p["ultimate_controller_country"]:
        o.append(f" ({h(p['ultimate_controller_country'])})")
    o.append(f'</div>\n<div><dt><a href="{_gloss(root, "third-country-control")}">Third-country control</a><dd>')
    if p["third_country_control"]:
        evidence = p["control_evidence"]
        o.append('<span class="result fail">Yes</span>' + (
            ", shown by GLEIF only (not declared)" if evidence == "gleif"
            else ", declared and shown by GLEIF" if evidence == "both" else ", declared"))
    else:
        o.append(h(yes_no(p["third_country_control"])))
    ok = p["ownership_ok"]
    o.append(f'</div>\n<div><dt><a href="{_gloss(root, "non-eu-holdings")}">Non-EU shareholdings within the '
             "limits</a><dd>" + ("unknown" if ok is None else '<span class="result pass">Yes</span>' if ok
                                 else '<span class="result fail">No</span>') + "</div>\n")
    if p["non_union_capital_pct"] is not None:
        o.append(f"<div><dt>Non-EU holders, capital / votes<dd>{h(one_decimal(p['non_union_capital_pct']))} % / "
                 f"{h(one_decimal(p['non_union_voting_pct']))} %</div>")
    o.append(f"<div><dt>Disclosure<dd><code>{h(plain(p['disclosure_id']))}</code>, submitted "
             f"{h(plain(p['submitted_at']))}</div>\n</dl>\n<h2 id=gleif>Checked against GLEIF</h2>\n")
    _gleif(o, p)
    _chain(o, p)
    if p["control_evidence"] == "gleif":
        o.append('<p class="reason"><strong>GLEIF contradicts the declared chain</strong>: its parent is outside the '
                 "Union while the provider declares no third-country control, so every service of this provider "
                 "carries W5-undeclared-parent and is treated as under third-country control.\n")
    _provider_services(o, c, name, root)
    o.append(certifications(c["certs"], f"Certifications of {p['legal_name'] or p['provider_id']}", root, covers=True))
    o.append("\n")
    return name, "".join(o)


def _gleif(o: list[str], p: dict) -> None:
    """A provider page's check of its legal identity against GLEIF."""
    if p["lei_check"] == "not_checked":
        o.append("<p><strong>Not checked</strong>: no GLEIF file has been loaded, so the legal identity below is the "
                 "provider's own word.\n")
        return
    o.append(f"<p>Checked against GLEIF on {h(plain(p['gleif_checked_on']))}: {lei_check_words(p['lei_check'])}.\n")
    if p["lei"]:
        o.append(f"<dl class=facts>\n<div><dt>GLEIF record<dd>{gleif_link(p['lei'])}</div>\n"
                 f"<div><dt>Legal name at GLEIF<dd>{h(plain(p['gleif_legal_name']))}")
        if p["gleif_legal_name"] and p["gleif_legal_name"] != p["legal_name"]:
            o.append(f' <span class="hint">(declared: {h(p["legal_name"])})</span>')
        o.append(f"</div>\n<div><dt>Legal address at GLEIF<dd>{h(plain(p['gleif_country']))}")
        if p["gleif_country"] and p["gleif_country"] != p["country"]:
            o.append(f' <span class="hint">(declared: {h(p["country"])})</span>')
        o.append(f"</div>\n<div><dt>Registration status<dd>{h(plain(p['gleif_registration_status']))}</div>\n</dl>\n")


def _chain(o: list[str], p: dict) -> None:
    """A provider page's declared control chain beside GLEIF's parent."""
    o.append("<h2 id=chain>Who controls it: declared chain and GLEIF's parent</h2>\n<div class=compare>\n<div>\n"
             "<h3>Declared by the provider, up to its ultimate controller</h3>\n")
    if len(p["chain_steps"]) > 1:
        o.append("<ol class=chain>\n" + "".join(f"<li>{h(step)}\n" for step in p["chain_steps"]) + "</ol>\n")
        if p["third_country_control_declared"]:
            o.append("<p class=hint>The last is a third-country controller.\n")
    else:
        o.append("<p>No controller: the provider is its own ultimate controller.\n")
    o.append("</div>\n<div>\n<h3>GLEIF's parent</h3>\n")
    check = p["gleif_parent_check"]
    if check == "not_checked":
        o.append("<p><strong>Not checked</strong>: no GLEIF relationship file (Level 2) has been loaded.\n")
    elif check == "not_declared":
        o.append("<p>No LEI declared, so GLEIF cannot be asked.\n")
    elif check == "none":
        o.append(f"<p>GLEIF records no consolidating parent (checked on {h(plain(p['gleif_parent_checked_on']))}).\n")
    else:
        o.append(f"<p><strong>{h(p['gleif_parent_name'] or _NOT_IN_GLEIF)}</strong>")
        if p["gleif_parent_country"]:
            o.append(f" ({h(p['gleif_parent_country'])})")
        o.append(f"<dl class=facts>\n<div><dt>Parent's GLEIF record<dd>{gleif_link(p['gleif_parent_lei'])}</div>\n"
                 "<div><dt>Relationship<dd>" + ("ultimate parent (IS_ULTIMATELY_CONSOLIDATED_BY)" if check == "ultimate"
                                                 else "top of the direct parents (IS_DIRECTLY_CONSOLIDATED_BY)")
                 + f'</div>\n</dl>\n<p class="hint">Checked on {h(plain(p["gleif_parent_checked_on"]))}')
        if p["gleif_parent_path"]:
            o.append(f"; path {h(p['gleif_parent_path'])}")
        o.append(".")
        if not p["gleif_parent_country"]:
            o.append(" The parent's country is unknown, which is no evidence of third-country control.")
    o.append("</div>\n</div>\n")


def _provider_services(o: list[str], c: dict, name: str, root: str) -> None:
    """A provider page's services table and the third-country platforms its services run on."""
    o.append("<h2 id=services>Services</h2>\n")
    if c["services"]:
        o.append(f'<div class=table-wrap>\n<p class="hint legend">Meaning of <a href="{_gloss(root, "seal")}">SEAL</a>'
                 f', <a href="{_gloss(root, "ual")}">UAL</a>, <a href="{_gloss(root, "statuses")}">statuses</a>.\n'
                 '<table class="cards provider-services">\n'
                 f"<caption class=visually-hidden>Services of {name}</caption>\n"
                 "<thead><tr><th>Service<th>Score<th>SEAL<th>UAL<th>Status<th>Flags</thead>\n<tbody>\n")
        for s in c["services"]:
            o.append(f"<tr{' class=not-in-force' if s['status'] in NOT_IN_FORCE else ''}><th scope=row>"
                     f"{link_to(s['href'], s['name'] or s['service_id'], root)}"
                     f"<td>{h(one_decimal(s['sovereignty_score']))}"
                     f"<td>{level_tag('SEAL', s['seal'])}<td>{level_tag('UAL', s['ual'])}<td>{status_tag(s['status'])}"
                     f"<td>{h(s['flag_count'])}\n")
        o.append("</tbody>\n</table>\n</div>\n")
    else:
        o.append("<p>No services in this release.\n")
    o.append("<h2 id=platforms>Dependencies on third-country platforms</h2>\n")
    if c["third_country_platforms"]:
        level = h(glossary.RULES["unassessed_dependency_level"])
        o.append("<p>Platforms operated from outside the Union that services of this provider run on, directly or "
                 "through other services. The registry cannot assess them, so each caps the service at "
                 f"SEAL-{level} and UAL-{level}.\n")
        rows = "".join(f"<tr><th scope=row>{link_to(svc['href'], svc['name'] or svc['service_id'], root)}"
                       f"<td>{h(d['dependency'])}<td>{h(plain(d['operator_name']))} ({h(plain(d['operator_country']))})"
                       f"<td>{_how(d)}" for svc, d in c["third_country_platforms"])
        o.append(_table("platforms", f"Third-country platforms in the supply chain of {name}",
                        "<th>Service<th>Platform<th>Operator<th>How", rows))
    else:
        o.append("<p>No service of this provider runs on a platform operated outside the Union.\n")


#: template -> the function building its page's title and main block
MAIN: dict[str, Callable[[dict, dict], tuple[str, str]]] = {"service.html": service_main,
                                                            "provider.html": provider_main}


class DetailPages:
    """Renders service and provider pages: each kind's chrome (its template with a stand-in title and main
    block) once per process and root, then title and main block per page."""

    def __init__(self, env: Environment, base: dict) -> None:
        self.env, self.base = env, base
        self._chrome: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def render(self, template: str, context: dict) -> str:
        title, main = MAIN[template](context, self.base)
        key = (template, context["root"], context["page"])
        chrome = self._chrome.get(key) or self._render_chrome(*key)
        return chrome[0] + title + chrome[1] + main + chrome[2]

    def _render_chrome(self, template: str, root: str, page: str) -> tuple[str, str, str]:
        html = self.env.get_template(template).render(**self.base, root=root, page=page, title=Markup(_TITLE),
                                                      main=Markup(_MAIN))
        if html.count(_TITLE) != 1 or html.count(_MAIN) != 1 or html.find(_TITLE) > html.find(_MAIN):
            raise ValueError(f"{template}: the chrome must hold the title, then the main block, once each")
        before, rest = html.split(_TITLE)
        between, after = rest.split(_MAIN)
        self._chrome[(template, root, page)] = chrome = (before, between, after)
        return chrome
