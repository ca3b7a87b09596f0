namespace Portal.Infrastructure.Sources;

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Portal.Core.Formats;
using Portal.Core.Sources;

/// <summary>A SQLite file, opened read-only.</summary>
public sealed class SqliteSourceReader : ISourceReader
{
    private readonly SqliteConnection _connection;
    private readonly string _path;

    public SqliteSourceReader(string path)
    {
        _path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        if (_connection.State != System.Data.ConnectionState.Open) await _connection.OpenAsync(ct);
        return _connection;
    }

    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA table_info({Quote(table)})";
        var columns = new List<SourceColumn>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var declared = reader.IsDBNull(2) ? "" : reader.GetString(2);
            columns.Add(new SourceColumn(reader.GetString(1), SqliteColumnKinds.FromDeclared(declared), declared, Nullable: reader.GetInt64(3) == 0 && reader.GetInt64(5) == 0));
        }
        if (columns.Count == 0) throw new InvalidOperationException($"The source has no table '{table}'.");
        return columns;
    }

    public async IAsyncEnumerable<RowBatch> ReadAsync(string table, IReadOnlyList<SourceColumn> columns, CursorRange? range, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The command only carries the SQL and its parameters: the rows are read on a connection of their own (SqliteRows).
        await using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Name)))} FROM {Quote(table)}" + Where(command, range);
        if (range is not null) command.CommandText += $" ORDER BY {Quote(range.Column)}";
        var rows = new SqliteRows(_path, command.CommandText, command.Parameters, columns.Select(c => c.Kind).ToArray());
        await foreach (var batch in BatchPipe.ReadAsync(columns.Count, rows.ProduceAsync, cancellationToken)) yield return batch;
    }

    public async Task<CursorColumn?> CursorAsync(string table, string column, CancellationToken cancellationToken)
    {
        var columns = await ColumnsAsync(table, cancellationToken);
        var source = columns.FirstOrDefault(c => c.Name == column) ?? columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase))
            ?? throw new CursorColumnException($"The table '{table}' has no column '{column}' to use as its cursor.");
        if (source.SourceType.Length > 0 && CursorMarks.UnorderableProblem(source.Name, source.Kind, source.SourceType) is { } problem)
            throw new CursorColumnException(problem);
        // SQLite orders NULL < numbers < text < blob: the storage classes of the smallest and largest value
        // tell whether the column mixes kinds, from two index lookups (or one scan) instead of reading every value.
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT typeof(MIN({Quote(source.Name)})), typeof(MAX({Quote(source.Name)})), MAX({Quote(source.Name)}) FROM {Quote(table)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (min, max, largest) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetValue(2));
        var declared = source.SourceType.Length > 0 ? CursorMarks.KindOf(source.Kind) : null;
        if (min == "null") return declared is { } k ? new CursorColumn(source, k) : null;
        if (min == "blob" || max == "blob" || Numeric(min) != Numeric(max))
            throw new CursorColumnException(
                $"The column '{source.Name}' of '{table}' holds {Describe(min)} and {Describe(max)}: a cursor needs values of one kind to be ordered. " +
                "Declare the column's type and store one kind of value in it, or choose another column.");
        CursorKind kind;
        if (Numeric(min))
        {
            // Stored as numbers: compared as numbers, whatever the declared name says.
            kind = declared is CursorKind.Decimal ? CursorKind.Decimal
                : min == "real" || max == "real" || declared is CursorKind.Real ? CursorKind.Real
                : CursorKind.Integer;
        }
        else
        {
            // Stored as text: compared as text (ISO 8601 timestamps and dates order correctly that way).
            kind = declared is CursorKind.Timestamp or CursorKind.Date && largest is string s && CursorMarks.MarkProblem(declared.Value, s) is null
                ? declared.Value
                : CursorKind.Text;
        }
        return new CursorColumn(source, kind);
    }

    private static bool Numeric(string storageClass) => storageClass is "integer" or "real";

    private static string Describe(string storageClass) => storageClass switch
    {
        "integer" or "real" => "numbers",
        "text" => "text",
        _ => "binary values",
    };

    public async Task<string?> MaxCursorAsync(string table, CursorColumn cursor, string? after, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MAX({Quote(cursor.Column.Name)}) FROM {Quote(table)}";
        if (after is not null)
        {
            command.CommandText += $" WHERE {Quote(cursor.Column.Name)} > $after";
            command.Parameters.Add(Parameter("$after", cursor.Kind, after));
        }
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : CursorMarks.Format(cursor.Kind, value);
    }

    public async Task<long?> EstimateRowsAsync(string table, CursorRange? range, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {Quote(table)}" + Where(command, range);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> CountRowsAsync(string table, CursorRange range, CancellationToken cancellationToken) =>
        await EstimateRowsAsync(table, range, cancellationToken) ?? 0;

    // The rows of a run: after the last mark, up to the mark taken at its start, compared in the cursor's kind.
    private static string Where(SqliteCommand command, CursorRange? range)
    {
        if (range is null) return "";
        command.Parameters.Add(Parameter("$upTo", range.Cursor.Kind, range.UpTo));
        if (range.After is not null) command.Parameters.Add(Parameter("$after", range.Cursor.Kind, range.After));
        return $" WHERE {Quote(range.Column)} <= $upTo" + (range.After is null ? "" : $" AND {Quote(range.Column)} > $after");
    }

    /// <summary>
    /// A mark bound as the storage class its column's values have: numbers as INTEGER or REAL, the rest as TEXT.
    /// Bound as text, a number would compare as text in a column without a type ('99' > '100', and every number below any text).
    /// </summary>
    internal static SqliteParameter Parameter(string name, CursorKind kind, string mark)
    {
        object value = kind switch
        {
            CursorKind.Integer or CursorKind.Decimal or CursorKind.Real =>
                long.TryParse(mark, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l
                : double.TryParse(mark, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
                : throw new CursorColumnException(CursorMarks.MarkProblem(kind, mark) ?? $"'{mark}' is not a number."),
            _ => mark,
        };
        return new SqliteParameter(name, value);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
