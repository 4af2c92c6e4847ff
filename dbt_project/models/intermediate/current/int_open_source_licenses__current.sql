-- `open_source_licenses` rows of the disclosure in force per provider only (superseded disclosures dropped).
{{ rows_in_force('stg_raw__open_source_licenses') }}
