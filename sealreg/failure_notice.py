"""Failure notices of the nightly DAG: one mail per failed task, sent by Airflow's SMTP notifier.

Configured by environment, read where the DAG file is parsed (the dag-processor and every worker,
which runs the callback):

    SEALREG_ALERT_TO     recipients, separated by "," or ";"; unset or empty: no notices
    SEALREG_ALERT_FROM   sender; unset: the SMTP connection's `from_email` extra

The SMTP server (host, port, login, TLS) is the Airflow connection named by `[email] email_conn_id`
(default `smtp_default`), e.g. `AIRFLOW_CONN_SMTP_DEFAULT=smtp://mail.example.eu:587?disable_ssl=true`
(docs/deployment.md, "Failure notices").
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ALERT_TO = "SEALREG_ALERT_TO"
ALERT_FROM = "SEALREG_ALERT_FROM"
REASON_CHARS = 4000  # a gate's reason can list many failures: the log has the rest

SUBJECT = "sealreg: nightly refresh failed in task {{ ti.task_id }} (DAG {{ ti.dag_id }}, run {{ ti.run_id }})"

# Every value is escaped: a run's conf and an exception message are input, not markup.
BODY = """\
<p>The registry's nightly refresh failed. A release becomes current only when the task
<code>publish</code> succeeds: until a run gets that far, the site and the downloads keep serving
the last complete release.</p>
<table>
<tr><th align="left">DAG</th><td>{{ ti.dag_id | e }}</td></tr>
<tr><th align="left">Task</th><td>{{ ti.task_id | e }}</td></tr>
<tr><th align="left">Run id</th><td>{{ ti.run_id | e }}</td></tr>
<tr><th align="left">Try</th><td>{{ ti.try_number }}</td></tr>
<tr><th align="left">Host</th><td>{{ ti.hostname | e }}</td></tr>
<tr><th align="left">Reason</th><td><pre>{{ (exception | string)[:%d] | e }}</pre></td></tr>
<tr><th align="left">Log</th><td><a href="{{ ti.log_url | e }}">{{ ti.log_url | e }}</a></td></tr>
</table>
<p>Next: read the task's log (Airflow UI: DAG {{ ti.dag_id | e }}, run {{ ti.run_id | e }},
task {{ ti.task_id | e }}, Logs), fix the cause (rejected disclosures are in the registry home's
<code>quarantine/</code> folder), then clear the failed task to resume the run or trigger a new run.</p>
""" % REASON_CHARS


def recipients(env: Mapping[str, str] = os.environ) -> list[str]:
    """The addresses in `SEALREG_ALERT_TO`, blanks dropped."""
    raw = env.get(ALERT_TO, "").replace(";", ",")
    return [address.strip() for address in raw.split(",") if address.strip()]


def failure_notifiers(env: Mapping[str, str] = os.environ) -> list:
    """The task failure callbacks that mail the operator: one, or none when no recipient is configured."""
    to = recipients(env)
    if not to:
        return []
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier  # parse time: a missing provider is loud

    sender = env.get(ALERT_FROM) or None

    def mail_operator(context) -> None:
        """A new notifier per failure: rendering its templates replaces them in place."""
        SmtpNotifier(to=to, from_email=sender, subject=SUBJECT, html_content=BODY)(context)

    return [mail_operator]
