namespace Portal.IntegrationTests.Delivery;

using Microsoft.Data.Sqlite;

/// <summary>SQLite source tables large enough for a run to last a while.</summary>
internal static class BigTables
{
    /// <summary>A table <paramref name="table"/> (id, name, amount) of <paramref name="rows"/> rows in the SQLite file <paramref name="db"/>.</summary>
    public static void Create(string db, int rows, string table = "big")
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC(12,2));
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
            INSERT INTO {table} SELECT i, 'row ' || i || ' ' || hex(randomblob(40)), i * 0.5 FROM n;
            """;
        command.Parameters.AddWithValue("$rows", rows);
        command.ExecuteNonQuery();
    }

    public static void Execute(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
