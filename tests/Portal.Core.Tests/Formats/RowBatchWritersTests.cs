namespace Portal.Core.Tests.Formats;

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using Portal.Core.Formats;

/// <summary>
/// The row writers format cells straight from a <see cref="RowBatch"/>; these hold them to the general forms: what
/// <see cref="Utf8JsonWriter"/> writes for each value (json) and <see cref="ValueText"/> with RFC 4180 quoting (csv).
/// </summary>
public sealed class RowBatchWritersTests
{
    // Text a source can hold: no lone surrogates (UTF-8 has no form for them).
    private static readonly Gen<string> Text = Gen.String.Where(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s);

    private static readonly Gen<object?> Value = Gen.OneOf<object?>(
        Gen.Bool.Select(_ => (object?)null),
        Gen.Long.Select(l => (object?)l),
        Gen.Int.Select(i => (object?)i),
        Gen.Double.Select(d => (object?)d),
        Gen.Double.Select(d => (object?)Math.Round(d, 2)),
        Gen.Decimal.Select(m => (object?)m),
        Gen.Bool.Select(b => (object?)b),
        Gen.DateTime.Select(t => (object?)DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        Gen.DateTime.Select(t => (object?)new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc)),
        Gen.DateOnly.Select(d => (object?)d),
        Text.Select(s => (object?)s),
        Gen.Char["\"\\,\n\r\t\u0001\u007fé€\u2028<>&' a"].Array[0, 12].Select(c => (object?)new string(c)),
        Gen.Select(Text, Text).Select((a, b) => (object?)(a + "😀" + b)),
        Gen.Byte.Array[0, 40].Select(b => (object?)b));

    private static readonly Gen<(SourceColumn[] Columns, object?[][] Rows)> Table =
        Gen.Int[1, 6].SelectMany(width => Gen.Select(
            Text.Array[width].Select(names => names.Select((n, i) => new SourceColumn(n + i, ColumnKind.Text, "TEXT")).ToArray()),
            Value.Array[width].Array[0, 20]));

    private static RowBatch Batch(int width, object?[][] rows)
    {
        var batch = new RowBatch(width, Math.Max(1, rows.Length));
        foreach (var row in rows) batch.AddRow(row);
        return batch;
    }

    private static string Write(IRowWriter writer, RowBatch batch, MemoryStream output)
    {
        for (var row = 0; row < batch.Count; row++) writer.WriteRowAsync(batch, row, default).AsTask().GetAwaiter().GetResult();
        writer.CompleteAsync(default).AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(output.ToArray());
    }

    // What the writer wrote before rows came in batches: Utf8JsonWriter, value by value.
    private static string JsonReference(SourceColumn[] columns, object?[][] rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                for (var i = 0; i < columns.Length; i++)
                {
                    json.WritePropertyName(columns[i].Name);
                    switch (row[i])
                    {
                        case null: json.WriteNullValue(); break;
                        case string s: json.WriteStringValue(s); break;
                        case long l: json.WriteNumberValue(l); break;
                        case int n: json.WriteNumberValue(n); break;
                        case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
                        case double: json.WriteNullValue(); break;
                        case bool b: json.WriteBooleanValue(b); break;
                        case byte[] bytes: json.WriteBase64StringValue(bytes); break;
                        default: json.WriteStringValue(ValueText.Format(row[i])); break;
                    }
                }
                json.WriteEndObject();
            }
            text.Append(Encoding.UTF8.GetString(buffer.WrittenSpan)).Append('\n');
        }
        return text.ToString();
    }

    private static string CsvReference(SourceColumn[] columns, object?[][] rows)
    {
        static string Field(string? text) => text is null ? "" : text.Length == 0 || text.AsSpan().IndexOfAny(",\"\n\r") >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
        var lines = new[] { string.Join(',', columns.Select(c => Field(c.Name))) }
            .Concat(rows.Select(row => string.Join(',', row.Select(v => Field(ValueText.Format(v))))));
        return string.Concat(lines.Select(l => l + "\n"));
    }

    [Fact]
    public void Json_lines_are_what_Utf8JsonWriter_writes_for_each_value() =>
        Table.Sample(t =>
        {
            using var output = new MemoryStream();
            return Write(new NdjsonRowWriter(output, t.Columns), Batch(t.Columns.Length, t.Rows), output) == JsonReference(t.Columns, t.Rows);
        });

    [Fact]
    public void Csv_lines_are_the_shared_text_forms_quoted_as_RFC_4180_says() =>
        Table.Sample(t =>
        {
            using var output = new MemoryStream();
            return Write(new CsvRowWriter(output, t.Columns), Batch(t.Columns.Length, t.Rows), output) == CsvReference(t.Columns, t.Rows);
        });

    [Fact]
    public void Text_that_is_not_valid_UTF8_is_written_as_dotnet_reads_it() =>
        Gen.Byte.Array[0, 30].Sample(bytes =>
        {
            var batch = new RowBatch(1);
            batch.AddRow();
            batch.SetText(0, bytes);
            var read = Encoding.UTF8.GetString(bytes);
            var columns = new[] { new SourceColumn("t", ColumnKind.Text, "TEXT") };
            using var json = new MemoryStream();
            using var csv = new MemoryStream();
            return Write(new NdjsonRowWriter(json, columns), batch, json) == JsonReference(columns, [[read]])
                && Write(new CsvRowWriter(csv, columns), batch, csv) == CsvReference(columns, [[read]]);
        });

    [Fact]
    public void A_value_comes_back_as_it_went_in() =>
        Value.Array[1, 8].Sample(values =>
        {
            var batch = new RowBatch(values.Length);
            batch.AddRow(values);
            return values.Select((v, i) => (v, batch.Value(0, i))).All(p => p.v switch
            {
                int n => p.Item2 is long l && l == n,
                double d => p.Item2 is double e && (d.Equals(e)),
                byte[] b => p.Item2 is byte[] c && b.SequenceEqual(c),
                _ => Equals(p.v, p.Item2),
            });
        });

    [Theory]
    [InlineData(1, RowBatch.DefaultRows)]
    [InlineData(9, RowBatch.DefaultRows)]
    [InlineData(2000, 32)]
    [InlineData(100_000, 1)]
    public void Wide_tables_get_batches_of_fewer_rows(int columns, int rows) => Assert.Equal(rows, RowBatch.For(columns).Capacity);

    [Fact]
    public void A_batch_is_full_at_its_rows_or_its_bytes_and_clears_for_the_next()
    {
        var batch = new RowBatch(1, 4);
        for (var i = 0; i < 4; i++)
        {
            Assert.False(batch.IsFull);
            batch.AddRow();
            batch.SetInteger(0, i);
        }
        Assert.True(batch.IsFull);
        Assert.Throws<InvalidOperationException>(batch.AddRow);
        batch.Clear();
        Assert.Equal(0, batch.Count);
        batch.AddRow();
        batch.SetText(0, new string('x', RowBatch.ByteLimit));
        Assert.True(batch.IsFull);
        Assert.Equal(RowBatch.ByteLimit, batch.Bytes(0, 0).Length);
    }
}
