namespace Portal.IntegrationTests.Sources;

using System.Globalization;
using CsCheck;
using Portal.Infrastructure.Sources;

/// <summary>SQLite's time text read digit by digit gives the time the general parser gives, and refuses what it cannot read.</summary>
public sealed class SqliteTimeTests
{
    [Fact]
    public void Every_time_in_sqlites_format_reads_as_the_general_parser_reads_it() =>
        Gen.DateTime.Select(Gen.Bool).Sample((t, withT) =>
        {
            var text = t.ToString(withT ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var general);
            return SqliteColumnKinds.TryParseSqliteTime(text, out var fast) && fast == general && fast.Kind == DateTimeKind.Utc;
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
    public void Anything_else_is_left_to_the_general_parser(string text) => Assert.False(SqliteColumnKinds.TryParseSqliteTime(text, out _));
}
