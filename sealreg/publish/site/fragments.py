"""The three long tables of a service page (objectives, criteria, CADA gates), built in DuckDB.

One query turns a chunk of services' rows into finished, escaped table bodies (`string_agg` per service),
so Python only places three strings per page instead of ~80 row dicts. The fragments are a function of the
service's rows in SOURCE_TABLES and of WORD_TABLES, which is what the page's input digest holds of them
(`inputs.row_digests`, `inputs.release_digest`). Every value that can come from a provider, a reference or the rulebook
goes through the one `html()` macro (the five characters markupsafe escapes); levels are cast to
integers before they become a class name. Nothing here decides a level: it presents dbt's rows.

Markup (legal HTML, no optional closing tags): the first cell of a row is a `th` whose row scope
follows from the table (HTML's "auto" scope: its column holds only header cells), the level's class is
on its cell in the objectives table (`<td class=l3>3`; in the criteria table static/criteria.js colours it), a
capped objective's SEAL names its level before caps beside it, and a gate's detail drops a leading
"<gate>: " or "<field>: " that the row header shows (`claimed_level: 3` under `claimed_level_4` is `3`).
A criterion's most points, the same on every row of it, is left out where it equals the release's
(`site_maxima`: static/criteria.js and the methodology page carry it); the gates are grouped by level
and result, so the result is written once per group, in its heading row.
"""

from __future__ import annotations

import duckdb

from sealreg.publish.site.filters import SAFE_LINK


def _sql_text(text: str) -> str:
    """Text inside a SQL string literal."""
    return text.replace("'", "''")


#: The tables FRAGMENTS builds the markup from (besides WORD_TABLES): a service's fragments are a function of
#: its rows in these, the columns `data.TABLES` lists (`inputs.row_digests` digests them).
SOURCE_TABLES = ("objective_results", "criterion_results", "cada_gates")
#: The release-wide words a row equal to them leaves out (`inputs.release_digest` digests them). The order
#: tables WORDS also makes only number each distinct value by a fixed order of the values themselves.
WORD_TABLES = ("site_titles", "site_labels", "site_maxima")

#: Macros of the queries below, created once per connection (temporary: the release stays read-only).
MACROS = r"""
create or replace temp macro html(x) as coalesce(replace(replace(replace(replace(replace(
    cast(x as varchar), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '''', '&#39;'), '"', '&#34;'), '');
create or replace temp macro num(x) as case when x is null then '—'
    else rtrim(rtrim(printf('%.4f', cast(x as double)), '0'), '.') end;
create or replace temp macro one(x) as case when x is null then '—' else printf('%.1f', cast(x as double)) end;
-- a level as its number ('—' when there is none); its column header names the scale (SEAL)
create or replace temp macro level(x) as coalesce(cast(cast(x as integer) as varchar), '—');
-- a level's cell, coloured by its class
create or replace temp macro level_cell(x) as case when x is null then '<td>—'
    else '<td class=l' || cast(x as integer) || '>' || level(x) end;
create or replace temp macro natural_key(x) as list_transform(
    regexp_extract_all(coalesce(cast(x as varchar), ''), '\d+|\D+'),
    lambda p: case when regexp_full_match(p, '\d+')
         then {'text': 0, 'digits': length(ltrim(p, '0')), 'value': ltrim(p, '0')}
         else {'text': 1, 'digits': 0, 'value': p} end);
-- filters.SAFE_LINK decides which URL is a link (the same rule as the pages' Jinja filter)
create or replace temp macro evidence_link(u) as case
    when u is null or u = '' then ''
    when regexp_full_match(u, '""" + _sql_text(SAFE_LINK) + r"""')
    then '<a href="' || html(u) || '" rel="nofollow noopener noreferrer">' || html(u) || '</a>'
    else html(u) end;
"""

#: The criterion titles, rung labels and most points most rows of the release carry (static/criteria.js
#: writes them once, the methodology page lists them; a row equal to them leaves them out).
WORDS = """
create or replace temp table site_titles as
select distinct on (criterion_id) criterion_id, title from (
    select criterion_id, title, count(*) n from main."criterion_results" where title is not null group by all)
order by criterion_id, n desc, title;
create or replace temp table site_labels as
select distinct on (criterion_id, rung) criterion_id, rung, rung_label from (
    select criterion_id, rung, rung_label, count(*) n from main."criterion_results"
    where rung is not null and rung_label is not null group by all)
order by criterion_id, rung, n desc, rung_label;
create or replace temp table site_maxima as
-- (a float's sign bit is part of the value: GROUP BY may hold -0.0 equal to 0.0, which print apart)
select distinct on (criterion_id) criterion_id, max_points, max_points_sign, num(max_points) as shown from (
    select criterion_id, max_points, signbit(max_points) as max_points_sign, count(*) n
    from main."criterion_results" where max_points is not null group by all)
order by criterion_id, n desc, max_points, max_points_sign;
create or replace temp table site_criterion_order as
select criterion_id, row_number() over (order by natural_key(criterion_id), criterion_id) as k
from (select distinct criterion_id from main."criterion_results");
create or replace temp table site_objective_order as
select objective, row_number() over (order by natural_key(objective), objective) as k
from (select distinct objective from main."objective_results"
      union select distinct objective from main."criterion_results");
create or replace temp table site_gate_order as
select gate, row_number() over (order by natural_key(gate), gate) as k
from (select distinct gate from main."cada_gates");
"""

#: Per service of the chunk (`?`: its ids, `?`/`?`: the first and last, for the row groups' zone maps):
#: the objectives' rows, the criteria's tbody per objective (then "Other" for criteria of no listed
#: objective), the gates' tbody per level.
FRAGMENTS = """
with chunk as (select unnest(?::varchar[]) as service_id),
obj as (
    select o.*, k.k from main."objective_results" o left join site_objective_order k using (objective)
    where o.service_id between ? and ? and o.service_id in (select service_id from chunk)),
crit_src as (
    select c.*, o.service_id is null as other
    from main."criterion_results" c
    left join (select distinct service_id, objective from obj) o
        on o.service_id = c.service_id and o.objective is not distinct from c.objective
    where c.service_id between ? and ? and c.service_id in (select service_id from chunk)),
-- a service none of whose criteria cites evidence has no Evidence column (its caption says so)
cites as (
    select service_id, coalesce(c.cites, false) as cites
    from (select distinct service_id from obj union select distinct service_id from crit_src)
    left join (select service_id,
                      bool_or(coalesce(evidence_url, '') <> '' or coalesce(evidence_note, '') <> '') as cites
               from crit_src group by all) c using (service_id)),
-- each distinct row value is rendered once (1.5 M criterion rows at 10k providers hold ~24 k); a float's sign
-- bit is part of the value (DISTINCT holds -0.0 equal to 0.0, which print apart)
crit_values as (
    select distinct criterion_id, title, rung, rung_label, points, max_points, seal, evidence_url, evidence_note,
        signbit(points) as points_sign, signbit(max_points) as max_points_sign
    from crit_src),
crit_html as (
    select v.*, k.k,
        '<tr><th>' || html(v.criterion_id)
        || case when v.title is not distinct from t.title then ''
                when v.title <> '' then ' ' || html(v.title)
                when t.title <> '' then ' ' else '' end
        || '<td>' || coalesce(cast(v.rung as varchar), '')
        || case when v.rung_label is not distinct from l.rung_label then ''
                when v.rung_label <> '' then ': ' || html(v.rung_label)
                when l.rung_label <> '' then '<i></i>' else '' end
        || '<td>' || num(v.points)
        || case when v.max_points is not distinct from m.max_points and v.max_points_sign is not distinct from
                m.max_points_sign then '' else ' / ' || num(v.max_points) end
        || '<td>' || level(v.seal) as row_html,
        '<td>' || evidence_link(v.evidence_url)
        || case when v.evidence_note <> '' then '<span class=note>' || html(v.evidence_note) || '</span>' else '' end
        || case when coalesce(v.evidence_url, '') = '' and coalesce(v.evidence_note, '') = '' then '—' else '' end
        as evidence_html
    from crit_values v
    left join site_titles t on t.criterion_id = v.criterion_id
    left join site_labels l on l.criterion_id = v.criterion_id and l.rung = v.rung
    left join site_maxima m on m.criterion_id = v.criterion_id
    left join site_criterion_order k on k.criterion_id = v.criterion_id),
crit as (
    select c.service_id, c.other, c.objective, h.k, h.criterion_id,
        h.row_html || case when s.cites then h.evidence_html else '' end as row_html
    from crit_src c join cites s using (service_id) join crit_html h
    on h.criterion_id is not distinct from c.criterion_id and h.title is not distinct from c.title
    and h.rung is not distinct from c.rung and h.rung_label is not distinct from c.rung_label
    and h.points is not distinct from c.points and h.max_points is not distinct from c.max_points
    and h.points_sign is not distinct from signbit(c.points)
    and h.max_points_sign is not distinct from signbit(c.max_points)
    and h.seal is not distinct from c.seal and h.evidence_url is not distinct from c.evidence_url
    and h.evidence_note is not distinct from c.evidence_note),
crit_groups as (
    select service_id, other, case when other then null else objective end as objective,
        string_agg(row_html, '' order by k, criterion_id, row_html) as rows
    from crit group by all),
objectives as (
    select service_id,
        string_agg('<tr><th>' || html(objective) || ' ' || html(objective_name)
            || '<td>' || case when score_pct is null then '' else '<meter'
                || coalesce(' class=m' || cast(seal as integer), '') || ' value='
                || regexp_replace(rtrim(rtrim(printf('%.2f',
                    greatest(0, least(cast(score_pct as double), 100)) / 100), '0'), '.'), '^0[.]', '.')
                || '></meter> ' end
            || one(score_pct) || ' %' || level_cell(seal)
            || case when seal_uncapped is not distinct from seal then ''
                    else ' (' || level(seal_uncapped) || ' before caps)' end
            , '' order by k, objective, objective_name) as html
    from obj group by all),
crit_bodies as (
    select service_id, string_agg(body, '' order by other, k, objective) as bodies from (
        select o.service_id, 0 as other, o.k, o.objective, '<tbody><tr><th colspan=' || (4 + s.cites::int)
            || ' scope=rowgroup>' || html(o.objective) || ' ' || html(o.objective_name)
            || chr(10) || coalesce(c.rows, '') as body
        from obj o join cites s using (service_id) left join crit_groups c
            on c.service_id = o.service_id and not c.other and c.objective is not distinct from o.objective
        union all
        select c.service_id, 1, 0, '', '<tbody><tr><th colspan=' || (4 + s.cites::int) || ' scope=rowgroup>Other '
            || chr(10) || c.rows from crit_groups c join cites s using (service_id) where c.other)
    group by all),
criteria as (
    select service_id,
        case when cites then '<caption>Criteria by objective</caption>' else
            '<caption>Criteria by objective (none cites evidence)</caption>' end
        || chr(10) || '<thead><tr><th scope=col>Criterion<th scope=col>Answer (rung)<th scope=col>Points'
        || '<th scope=col>Highest SEAL this answer allows' || case when cites then '<th scope=col>Evidence' else '' end
        || '</thead>' || chr(10) || bodies as html
    from crit_bodies join cites using (service_id)),
-- a tbody per level and result (failed, unknown, passed), headed "UAL-4: ✗ 2 gates fail"
gate_rows as (
    select service_id, level, case when passed then 2 when not passed then 0 else 1 end as outcome, count(*) as n,
        string_agg('<tr><th>' || html(gate)
            || '<td>' || case when detail is null then '—'
                              when starts_with(detail, gate || ': ') and length(detail) > length(gate) + 2
                              then html(detail[length(gate) + 3:])
                              -- "claimed_level: 3" under claimed_level_4: the row header names the field
                              when position(': ' in detail) > 1 and length(detail) > position(': ' in detail) + 1
                                   and starts_with(gate, detail[:position(': ' in detail) - 1] || '_')
                              then html(detail[position(': ' in detail) + 2:]) else html(detail) end
            , '' order by coalesce(try_cast(gate_order as bigint), 0), k.k, gate, detail) as rows
    from main."cada_gates" left join site_gate_order k using (gate)
    where service_id between ? and ? and service_id in (select service_id from chunk)
    group by all),
gates as (
    select service_id, string_agg('<tbody><tr><th colspan=2 scope=rowgroup'
        || case outcome when 2 then ' class=pass>' when 0 then ' class=fail>' else '>' end
        || 'UAL-' || coalesce(cast(level as varchar), '—') || ': '
        || case outcome when 2 then '✓ ' when 0 then '✗ ' else '' end || n
        || case when n = 1 then ' gate ' else ' gates ' end
        || case outcome when 2 then (case when n = 1 then 'passes' else 'pass' end)
                        when 0 then (case when n = 1 then 'fails' else 'fail' end) else 'with no result' end
        || chr(10) || rows, '' order by level nulls last, outcome) as html
    from gate_rows group by all)
select chunk.service_id, coalesce(objectives.html, ''), coalesce(criteria.html, ''), coalesce(gates.html, '')
from chunk
left join objectives using (service_id) left join criteria using (service_id) left join gates using (service_id)
"""

#: (objectives table rows, criteria table bodies, gates table bodies) of one service; '' for none.
Fragments = tuple[str, str, str]


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create this connection's macros and shared-words tables (once per connection)."""
    con.execute(MACROS)
    con.execute(WORDS)


def fragments(con: duckdb.DuckDBPyConnection, service_ids: list[str]) -> dict[str, Fragments]:
    """The three table fragments of each of these services (one query; `prepare` ran on `con`)."""
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    bounds = [ids[0], ids[-1]]
    rows = con.execute(FRAGMENTS, [ids, *bounds, *bounds, *bounds]).fetchall()
    return {sid: (o, c, g) for sid, o, c, g in rows}
