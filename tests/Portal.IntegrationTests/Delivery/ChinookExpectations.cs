namespace Portal.IntegrationTests.Delivery;

using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Tests.Shared;

/// <summary>
/// The Chinook rows straight from SQLite, and what each value must look like in a delivered file —
/// written out here independently of the portal's own converters.
/// </summary>
internal static class ChinookExpectations
{
    public static List<string> Tables()
    {
        using var db = Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read()) tables.Add(reader.GetString(0));
        return tables;
    }

    /// <summary>Every row of a table as (column, declared type, raw value).</summary>
    public static List<List<(string Column, string Declared, object? Value)>> Rows(string table)
    {
        using var db = Open();
        var declared = new Dictionary<string, string>();
        using (var info = db.CreateCommand())
        {
            info.CommandText = $"PRAGMA table_info(\"{table}\")";
            using var r = info.ExecuteReader();
            while (r.Read()) declared[r.GetString(1)] = r.IsDBNull(2) ? "" : r.GetString(2).ToUpperInvariant();
        }
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        using var reader = command.ExecuteReader();
        var rows = new List<List<(string, string, object?)>>();
        while (reader.Read())
        {
            var row = new List<(string, string, object?)>();
            for (var i = 0; i < reader.FieldCount; i++)
                row.Add((reader.GetName(i), declared[reader.GetName(i)], reader.IsDBNull(i) ? null : reader.GetValue(i)));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The text a value has in csv (and in JSON strings): null stays null.</summary>
    public static string? Text(string declared, object? raw) => raw switch
    {
        null => null,
        string s when declared.Contains("DATETIME", StringComparison.Ordinal) =>
            DateTime.ParseExact(s, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        double d when declared.StartsWith("NUMERIC", StringComparison.Ordinal) => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        _ => Convert.ToString(raw, CultureInfo.InvariantCulture),
    };

    /// <summary>True when the value is a JSON number in ndjson (integers and reals; exact decimals are strings).</summary>
    public static bool IsJsonNumber(string declared, object? raw) =>
        raw is long && !declared.StartsWith("NUMERIC", StringComparison.Ordinal) || raw is double && !declared.StartsWith("NUMERIC", StringComparison.Ordinal);

    private static SqliteConnection Open()
    {
        var db = new SqliteConnection($"Data Source={RepoPaths.ChinookDatabase};Mode=ReadOnly;Pooling=False");
        db.Open();
        return db;
    }
}
