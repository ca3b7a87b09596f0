namespace Portal.Core.Tests.Sources;

using System.Globalization;
using CsCheck;
using Portal.Core.Formats;
using Portal.Core.Sources;

public sealed class CursorMarksTests
{
    [Fact]
    public void Integer_marks_order_as_numbers_not_as_text()
    {
        // As text, '99' > '100' and '-5' < '-10': the bug that skipped and repeated rows.
        Assert.True(CursorMarks.Compare(CursorKind.Integer, "99", "100") < 0);
        Assert.True(CursorMarks.Compare(CursorKind.Integer, "-5", "-10") > 0);
        Assert.True(CursorMarks.Compare(CursorKind.Decimal, "9.5", "10.25") < 0);
        Assert.True(CursorMarks.Compare(CursorKind.Real, "1e3", "999.5") > 0);
    }

    [Fact]
    public void Every_integer_pair_orders_as_its_numbers() =>
        Gen.Long.Select(Gen.Long).Sample((a, b) =>
            Math.Sign(CursorMarks.Compare(CursorKind.Integer, a.ToString(CultureInfo.InvariantCulture), b.ToString(CultureInfo.InvariantCulture))) == Math.Sign(a.CompareTo(b)));

    [Fact]
    public void Every_decimal_pair_orders_as_its_numbers_even_past_the_range_of_decimal() =>
        Gen.Decimal.Select(Gen.Decimal, Gen.Int[0, 40]).Sample((a, b, extraDigits) =>
        {
            // PostgreSQL's numeric has more digits than decimal: the same values with many more zeros still order the same.
            var padding = new string('0', extraDigits);
            var x = a.ToString(CultureInfo.InvariantCulture);
            var y = b.ToString(CultureInfo.InvariantCulture);
            if (!x.Contains('.', StringComparison.Ordinal)) x += ".";
            if (!y.Contains('.', StringComparison.Ordinal)) y += ".";
            return Math.Sign(CursorMarks.Compare(CursorKind.Decimal, x + padding, y)) == Math.Sign(a.CompareTo(b));
        });

    [Fact]
    public void Every_timestamp_round_trips_through_its_canonical_text_and_keeps_its_order() =>
        Gen.DateTime.Select(Gen.DateTime).Sample((a, b) =>
        {
            var (x, y) = (DateTime.SpecifyKind(a, DateTimeKind.Utc), DateTime.SpecifyKind(b, DateTimeKind.Utc));
            var (tx, ty) = (CursorMarks.Format(CursorKind.Timestamp, x), CursorMarks.Format(CursorKind.Timestamp, y));
            return CursorMarks.TryParse(CursorKind.Timestamp, tx, out var back) && (DateTime)back == x
                && Math.Sign(CursorMarks.Compare(CursorKind.Timestamp, tx, ty)) == Math.Sign(x.CompareTo(y));
        });

    [Fact]
    public void Every_real_round_trips_exactly() =>
        Gen.Double.Where(double.IsFinite).Sample(d => CursorMarks.TryParse(CursorKind.Real, CursorMarks.Format(CursorKind.Real, d), out var back) && (double)back == d);

    [Fact]
    public void Text_orders_by_code_point_as_sqlite_and_the_c_collation_do() =>
        Gen.String.Select(Gen.String).Sample((a, b) =>
            Math.Sign(CursorMarks.Compare(CursorKind.Text, a, b)) == Math.Sign(string.CompareOrdinal(
                System.Text.Encoding.UTF32.GetString(System.Text.Encoding.UTF32.GetBytes(a)), System.Text.Encoding.UTF32.GetString(System.Text.Encoding.UTF32.GetBytes(b)))) || HasSurrogates(a) || HasSurrogates(b));

    private static bool HasSurrogates(string s) => s.Any(char.IsSurrogate);

    [Theory]
    [InlineData(CursorKind.Integer, "12.5")]
    [InlineData(CursorKind.Integer, "abc")]
    [InlineData(CursorKind.Decimal, "1,5")]
    [InlineData(CursorKind.Real, "NaN")]
    [InlineData(CursorKind.Timestamp, "yesterday")]
    [InlineData(CursorKind.Date, "2025-02-30")]
    [InlineData(CursorKind.Date, "2025-01-01T00:00:00Z")]
    public void A_mark_of_another_kind_gets_a_message(CursorKind kind, string mark)
    {
        var problem = CursorMarks.MarkProblem(kind, mark);
        Assert.NotNull(problem);
        Assert.Contains(mark, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ColumnKind.Blob, "BLOB")]
    [InlineData(ColumnKind.Boolean, "boolean")]
    [InlineData(ColumnKind.Text, "jsonb")]
    [InlineData(ColumnKind.Text, "json")]
    public void Columns_that_cannot_be_ordered_are_refused_by_name(ColumnKind kind, string declared)
    {
        var problem = CursorMarks.UnorderableProblem("payload", kind, declared);
        Assert.NotNull(problem);
        Assert.Contains("'payload'", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ColumnKind.Integer, CursorKind.Integer)]
    [InlineData(ColumnKind.Decimal, CursorKind.Decimal)]
    [InlineData(ColumnKind.Real, CursorKind.Real)]
    [InlineData(ColumnKind.Timestamp, CursorKind.Timestamp)]
    [InlineData(ColumnKind.Date, CursorKind.Date)]
    [InlineData(ColumnKind.Text, CursorKind.Text)]
    public void Orderable_columns_have_a_cursor_kind(ColumnKind column, CursorKind cursor) => Assert.Equal(cursor, CursorMarks.KindOf(column));

    [Fact]
    public void Big_decimals_print_as_they_were_read()
    {
        Assert.True(BigDecimal.TryParse("123456789012345678901234567890.000000001", out var big));
        Assert.Equal("123456789012345678901234567890.000000001", big.ToString());
        Assert.True(BigDecimal.TryParse("-0.5", out var half));
        Assert.Equal("-0.5", half.ToString());
        Assert.True(BigDecimal.TryParse("1.5E+3", out var exp));
        Assert.Equal("1500", exp.ToString());
        Assert.False(BigDecimal.TryParse("1.2.3", out _));
        Assert.False(BigDecimal.TryParse("-", out _));
    }
}
