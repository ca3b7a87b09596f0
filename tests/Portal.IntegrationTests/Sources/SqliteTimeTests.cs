namespace Portal.IntegrationTests.Sources;

using System.Globalization;
using CsCheck;
using Portal.Core.Formats;
using Portal.Infrastructure.Sources;

/// <summary>
/// SQLite's time text read digit by digit gives the time the general parser gives, and refuses what it cannot read; a REAL
/// in a decimal column is the decimal its shortest text names, without going through decimal where it need not.
/// </summary>
public sealed class SqliteTimeTests
{
    [Fact]
    public void Every_time_in_sqlites_format_reads_as_the_general_parser_reads_it() =>
        Gen.DateTime.Select(Gen.Bool).Sample((t, withT) =>
        {
            var text = t.ToString(withT ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var general);
            return SqliteColumnKinds.TryParseSqliteTime(System.Text.Encoding.UTF8.GetBytes(text), out var fast) && fast == general && fast.Kind == DateTimeKind.Utc;
        });

    [Theory]
    [InlineData("2025-02-29 10:00:00")]
    [InlineData("2025-13-01 10:00:00")]
    [InlineData("2025-01-01 24:00:00")]
    [InlineData("2025-01-01 10:60:00")]
    [InlineData("0000-01-01 10:00:00")]
    [InlineData("2025-01-01 10:00:0x")]
    [InlineData("2025-01-01 10:00:00Z")]
    [InlineData("2025/01/01 10:00:00")]
    public void Anything_else_is_left_to_the_general_parser(string text) => Assert.False(SqliteColumnKinds.TryParseSqliteTime(System.Text.Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void A_real_in_a_decimal_column_is_the_decimal_its_shortest_text_names() =>
        Gen.OneOf(Gen.Double, Gen.Double.Select(d => Math.Round(d, 2)), Gen.Long.Select(l => l / 100.0), Gen.Int.Select(i => (double)i),
            Gen.Int[-30, 30].Select(e => Math.Pow(10, e)), Gen.Const(0.0), Gen.Const(-0.0), Gen.Const(double.NaN), Gen.Const(1e300)).Sample(d =>
        {
            var batch = new RowBatch(1);
            batch.AddRow();
            SqliteColumnKinds.SetReal(batch, 0, ColumnKind.Decimal, d);
            return decimal.TryParse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
                ? batch.Kind(0, 0) == CellKind.Decimal && System.Text.Encoding.UTF8.GetString(batch.Bytes(0, 0)) == exact.ToString(CultureInfo.InvariantCulture)
                : batch.Kind(0, 0) == CellKind.Real && batch.Real(0, 0).Equals(d);
        });
}
