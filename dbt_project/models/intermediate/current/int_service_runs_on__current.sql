-- `service_runs_on` rows of the disclosure in force per provider only (superseded disclosures dropped).
{{ rows_in_force('stg_raw__service_runs_on') }}
