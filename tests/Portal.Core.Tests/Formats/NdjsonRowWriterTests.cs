namespace Portal.Core.Tests.Formats;

using System.Text;
using System.Text.Json;
using CsCheck;
using Portal.Core.Formats;

public sealed class NdjsonRowWriterTests
{
    private static readonly SourceColumn[] Columns = [new("m", ColumnKind.Decimal, "NUMERIC"), new("t", ColumnKind.Timestamp, "DATETIME")];

    private static string Write(object?[] row)
    {
        using var output = new MemoryStream();
        var writer = new NdjsonRowWriter(output, Columns);
        writer.WriteRowAsync(row, default).AsTask().GetAwaiter().GetResult();
        writer.CompleteAsync(default).AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n');
    }

    [Fact]
    public void Decimals_and_times_are_written_as_the_shared_text_forms_say() =>
        Gen.Decimal.Select(Gen.DateTime, Gen.Bool, Gen.Enum<DateTimeKind>().Where(k => k != DateTimeKind.Local)).Sample((m, t, whole, kind) =>
        {
            var time = DateTime.SpecifyKind(whole ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond) : t, kind);
            var json = JsonDocument.Parse(Write([m, time])).RootElement;
            return json.GetProperty("m").GetString() == ValueText.Decimal(m) && json.GetProperty("t").GetString() == ValueText.Timestamp(time);
        });
}
