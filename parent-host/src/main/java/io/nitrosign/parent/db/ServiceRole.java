package io.nitrosign.parent.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Creates (or re-passwords) the service's login role, as the schema owner, before the
 * migrations grant it its privileges. The role gets no attributes beyond LOGIN: no superuser,
 * no CREATEDB, no CREATEROLE. The password never reaches a log or an exception message.
 */
public final class ServiceRole {
  private ServiceRole() {}

  /** Passwords this accepts: long enough, and nothing that needs quoting. */
  static final String PASSWORD = "[A-Za-z0-9_~.+/=-]{24,256}";

  public static void ensure(DataSource owner, String role, String password) throws SQLException {
    if (role == null || !role.matches(Migrations.ROLE_NAME)) {
      throw new IllegalArgumentException("the service role must match " + Migrations.ROLE_NAME);
    }
    if (password == null || !password.matches(PASSWORD)) {
      throw new IllegalArgumentException("the service role's password must be 24-256 characters"
          + " of [A-Za-z0-9_~.+/=-]");
    }
    try (Connection c = owner.getConnection()) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper OR rolcreaterole OR"
          + " rolcreatedb OR rolreplication OR rolbypassrls OR rolname = current_user"
          + " FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, role);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
          if (exists && rs.getBoolean(1)) {
            throw new IllegalStateException("refusing to use " + role + " as the service role: it"
                + " is the migrating owner or has SUPERUSER/CREATEROLE/CREATEDB/REPLICATION/BYPASSRLS");
          }
        }
      }
      try (Statement st = c.createStatement()) {
        // No bind parameters in DDL; the name was checked against a strict pattern above.
        // CREATE ROLE's defaults: NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
        st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN");
      }
      // The driver computes the SCRAM verifier: the password itself is never sent in a
      // statement, so a server log of a failed statement cannot contain it.
      c.unwrap(org.postgresql.PGConnection.class)
          .alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    }
  }
}
