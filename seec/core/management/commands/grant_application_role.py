"""Give the application's database role what it needs, and no more on the audit trail.

Run by the database's owner after every `migrate` (PostgreSQL). The application then connects
as that role: it may read and write the platform's tables, but the audit events only INSERT
and SELECT, the staged reads INSERT, SELECT and DELETE (a trigger lets it delete only a read
already chained), the chain head SELECT and UPDATE (a trigger lets the head only move
forward). Without TRUNCATE, ownership or the right to drop triggers, the application cannot
remove the trail, whoever takes it over.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from psycopg import sql

# Table -> the rights the application keeps on it (on every other table: SELECT, INSERT,
# UPDATE, DELETE).
AUDIT_TABLES = {
    "core_auditevent": ["SELECT", "INSERT"],
    "core_stagedread": ["SELECT", "INSERT", "DELETE"],
    "core_auditchainhead": ["SELECT", "UPDATE"],
}


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's role the rights it needs, with INSERT and SELECT "
        "only on the audit trail. Run as the database owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as (it must exist)")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError(_("Database roles exist on PostgreSQL only."))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(_("There is no database role %(role)s.") % {"role": role})
            cursor.execute("SELECT current_schema()")
            schema = sql.Identifier(cursor.fetchone()[0])
            who = sql.Identifier(role)
            statements = [
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(connection.settings_dict["NAME"]), who
                ),
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who),
                sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, who),
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}"
                ).format(schema, who),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                    schema, who
                ),
            ]
            for table, rights in AUDIT_TABLES.items():
                statements.append(
                    sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), who)
                )
                statements.append(
                    sql.SQL("GRANT {} ON {} TO {}").format(
                        sql.SQL(", ").join(sql.SQL(right) for right in rights),
                        sql.Identifier(table),
                        who,
                    )
                )
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            _("Role %(role)s may use the platform's tables; on the audit trail only what it needs.")
            % {"role": role}
        )
