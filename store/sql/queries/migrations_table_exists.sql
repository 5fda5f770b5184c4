-- params:
EXISTS TABLE schema_migrations
