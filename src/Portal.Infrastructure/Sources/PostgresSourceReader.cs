namespace Portal.Infrastructure.Sources;

using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Portal.Core.Formats;
using Portal.Core.Sources;

/// <summary>A PostgreSQL database; tables of the search path's first schema (or "schema.table").</summary>
public sealed class PostgresSourceReader(string connectionString) : ISourceReader
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name");
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        var (schema, name) = Split(table);
        await using var command = _source.CreateCommand(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)schema ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        var columns = new List<SourceColumn>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            columns.Add(new SourceColumn(reader.GetString(0), KindOf(reader.GetString(1)), reader.GetString(1), reader.GetString(2) == "YES"));
        if (columns.Count == 0) throw new InvalidOperationException($"The source has no table '{table}'.");
        return columns;
    }

    public async IAsyncEnumerable<RowBatch> ReadAsync(string table, IReadOnlyList<SourceColumn> columns, CursorRange? range, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // numeric has more digits than decimal: it is read as its exact text, kept as decimal when it fits (else as that text).
        var sql = $"SELECT {string.Join(", ", columns.Select(c => c.SourceType == "numeric" ? Quote(c.Name) + "::text" : Quote(c.Name)))} FROM {QuoteTable(table)}";
        await using var command = _source.CreateCommand();
        if (range is not null) sql += Where(command, range) + $" ORDER BY {Quote(range.Column)}";
        command.CommandText = sql;
        await foreach (var batch in BatchPipe.ReadAsync(columns.Count, (pipe, ct) => ProduceAsync(command, columns, pipe, ct), cancellationToken)) yield return batch;
    }

    // Typed reads by ordinal (GetFieldValue<T>), no boxing for numbers, times and text.
    private static async Task ProduceAsync(NpgsqlCommand command, IReadOnlyList<SourceColumn> columns, BatchPipe pipe, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        var types = Enumerable.Range(0, columns.Count).Select(reader.GetFieldType).ToArray();
        var batch = await pipe.NextAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.AddRow();
            for (var i = 0; i < columns.Count; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken)) continue;
                var type = types[i];
                switch (columns[i].Kind)
                {
                    case ColumnKind.Date: batch.SetDate(i, reader.GetFieldValue<DateOnly>(i)); break;
                    case ColumnKind.Timestamp: batch.SetTimestamp(i, DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc)); break;
                    case ColumnKind.Integer when type == typeof(long): batch.SetInteger(i, reader.GetInt64(i)); break;
                    case ColumnKind.Integer when type == typeof(int): batch.SetInteger(i, reader.GetInt32(i)); break;
                    case ColumnKind.Integer when type == typeof(short): batch.SetInteger(i, reader.GetInt16(i)); break;
                    case ColumnKind.Integer: batch.SetInteger(i, Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)); break;
                    case ColumnKind.Real when type == typeof(double): batch.SetReal(i, reader.GetDouble(i)); break;
                    case ColumnKind.Real when type == typeof(float): batch.SetValue(i, reader.GetFloat(i)); break;
                    case ColumnKind.Real: batch.SetReal(i, Convert.ToDouble(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)); break;
                    case ColumnKind.Decimal when columns[i].SourceType == "numeric":
                        var text = reader.GetString(i);
                        if (decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var exact)
                            && exact.ToString(System.Globalization.CultureInfo.InvariantCulture) == text) batch.SetDecimal(i, exact);
                        else batch.SetText(i, text);
                        break;
                    case ColumnKind.Text when type == typeof(string): batch.SetText(i, reader.GetString(i)); break;
                    case ColumnKind.Text: batch.SetText(i, Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? ""); break;
                    case ColumnKind.Boolean when type == typeof(bool): batch.SetBoolean(i, reader.GetBoolean(i)); break;
                    case ColumnKind.Blob when type == typeof(byte[]): batch.SetBlob(i, reader.GetFieldValue<byte[]>(i)); break;
                    default: batch.SetValue(i, reader.GetValue(i)); break;
                }
            }
            if (!batch.IsFull) continue;
            await pipe.PublishAsync(batch, cancellationToken);
            batch = await pipe.NextAsync(cancellationToken);
        }
        await pipe.PublishAsync(batch, cancellationToken);
    }

    public async Task<CursorColumn?> CursorAsync(string table, string column, CancellationToken cancellationToken)
    {
        var columns = await ColumnsAsync(table, cancellationToken);
        var source = columns.FirstOrDefault(c => c.Name == column)
            ?? throw new CursorColumnException($"The table '{table}' has no column '{column}' to use as its cursor.");
        if (!Orderable.Contains(source.SourceType) || CursorMarks.KindOf(source.Kind) is not { } kind)
            throw new CursorColumnException(CursorMarks.UnorderableProblem(source.Name, source.Kind, source.SourceType)
                ?? $"The column '{source.Name}' ({source.SourceType}) cannot be a cursor: choose an integer, numeric, timestamp, date or text column that grows as rows are written.");
        return new CursorColumn(source, kind);
    }

    // Types whose order is the one a growing cursor has; others (uuid, boolean, json, arrays, intervals…) are refused.
    private static readonly HashSet<string> Orderable = new(StringComparer.Ordinal)
    {
        "smallint", "integer", "bigint", "numeric", "real", "double precision", "date",
        "timestamp without time zone", "timestamp with time zone", "text", "character varying", "character",
    };

    public async Task<string?> MaxCursorAsync(string table, CursorColumn cursor, string? after, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand();
        // numeric goes past decimal: its text is exact.
        var max = cursor.Kind == CursorKind.Decimal ? $"MAX({Quote(cursor.Column.Name)})::text" : $"MAX({Quote(cursor.Column.Name)})";
        command.CommandText = $"SELECT {max} FROM {QuoteTable(table)}";
        if (after is not null)
        {
            command.CommandText += $" WHERE {Quote(cursor.Column.Name)} > {Placeholder(cursor, 1)}";
            command.Parameters.Add(Parameter(cursor, after));
        }
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : CursorMarks.Format(cursor.Kind, value is float f ? (double)f : value);
    }

    private static string Where(NpgsqlCommand command, CursorRange range)
    {
        command.Parameters.Add(Parameter(range.Cursor, range.UpTo));
        if (range.After is not null) command.Parameters.Add(Parameter(range.Cursor, range.After));
        var column = Quote(range.Column);
        return $" WHERE {column} <= {Placeholder(range.Cursor, 1)}" + (range.After is null ? "" : $" AND {column} > {Placeholder(range.Cursor, 2)}");
    }

    // numeric is bound as its exact text and read as numeric by PostgreSQL; every other kind as its own type.
    private static string Placeholder(CursorColumn cursor, int n) => cursor.Kind == CursorKind.Decimal ? $"CAST(${n} AS numeric)" : $"${n}";

    /// <summary>A mark as a parameter of the column's own type, so PostgreSQL compares numbers as numbers and times as times.</summary>
    internal static NpgsqlParameter Parameter(CursorColumn cursor, string mark)
    {
        if (!CursorMarks.TryParse(cursor.Kind, mark, out var value))
            throw new CursorColumnException($"The mark of cursor column '{cursor.Column.Name}' does not fit it: {CursorMarks.MarkProblem(cursor.Kind, mark)}");
        return (cursor.Kind, value) switch
        {
            (CursorKind.Integer, long l) => new NpgsqlParameter { Value = l, NpgsqlDbType = NpgsqlDbType.Bigint },
            (CursorKind.Real, double d) => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Double },
            (CursorKind.Decimal, BigDecimal d) => new NpgsqlParameter { Value = d.ToString(), NpgsqlDbType = NpgsqlDbType.Text },
            (CursorKind.Date, DateOnly d) => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Date },
            (CursorKind.Timestamp, DateTime t) when cursor.Column.SourceType == "timestamp with time zone" =>
                new NpgsqlParameter { Value = DateTime.SpecifyKind(t, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            (CursorKind.Timestamp, DateTime t) => new NpgsqlParameter { Value = DateTime.SpecifyKind(t, DateTimeKind.Unspecified), NpgsqlDbType = NpgsqlDbType.Timestamp },
            _ => new NpgsqlParameter { Value = mark, NpgsqlDbType = NpgsqlDbType.Text },
        };
    }

    /// <summary>A whole table: the planner's row estimate (no scan); a cursor range: not told (counting could take as long as reading).</summary>
    public async Task<long?> EstimateRowsAsync(string table, CursorRange? range, CancellationToken cancellationToken)
    {
        if (range is not null) return null;
        await using var command = _source.CreateCommand("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = QuoteTable(table) });
        // -1 until the table was first analysed.
        return await command.ExecuteScalarAsync(cancellationToken) is long n and >= 0 ? n : null;
    }

    public async Task<long> CountRowsAsync(string table, CursorRange range, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {QuoteTable(table)}" + Where(command, range);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ColumnKind KindOf(string type) => type switch
    {
        "smallint" or "integer" or "bigint" => ColumnKind.Integer,
        "real" or "double precision" => ColumnKind.Real,
        "numeric" or "money" => ColumnKind.Decimal,
        "boolean" => ColumnKind.Boolean,
        "date" => ColumnKind.Date,
        "timestamp without time zone" or "timestamp with time zone" => ColumnKind.Timestamp,
        "bytea" => ColumnKind.Blob,
        _ => ColumnKind.Text,
    };

    private static (string? Schema, string Name) Split(string table)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (null, table) : (table[..dot], table[(dot + 1)..]);
    }

    private static string QuoteTable(string table)
    {
        var (schema, name) = Split(table);
        return schema is null ? Quote(name) : $"{Quote(schema)}.{Quote(name)}";
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
