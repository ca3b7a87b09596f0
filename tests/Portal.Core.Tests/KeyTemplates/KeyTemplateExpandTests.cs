namespace Portal.Core.Tests.KeyTemplates;

using Portal.Core.KeyTemplates;

public sealed class KeyTemplateExpandTests
{
    private static readonly DateTimeOffset Load = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);

    private static KeyValues Values(DateTimeOffset? load = null, DateTimeOffset? cursor = null, long part = 0, string extension = "csv") => new(
        load ?? Load, cursor ?? Load,
        "deadbeef-2359-567a-f5e8-83c536cb4de8", "sales_summary_daily",
        "f52c7268-2359-567a-f5e8-83c536cb4de8", "fad1983d-7446-e5c4-bb46-4578affe02d5",
        "8e28c4bf-11aa-20aa-0ecf-d23c21c73285", part, extension);

    private static string Expand(string template, KeyValues values)
    {
        var parsed = KeyTemplate.Parse(template);
        Assert.Empty(parsed.SyntaxErrors);
        return parsed.Expand(values);
    }

    [Theory]
    [InlineData("{extension}", "csv")]
    [InlineData("{date_time}", "2025_04_14_11_23_45")]
    [InlineData("{timestamp}", "2025_04_14_11_23_45")]
    [InlineData("{iso_date_time}", "2025-04-14T11:23:45Z")]
    [InlineData("{date}", "2025_04_14")]
    [InlineData("{iso_date}", "2025-04-14")]
    [InlineData("{year}", "2025")]
    [InlineData("{month}", "04")]
    [InlineData("{day}", "14")]
    [InlineData("{hour}", "11")]
    [InlineData("{minute}", "23")]
    [InlineData("{second}", "45")]
    [InlineData("{stream_id}", "deadbeef-2359-567a-f5e8-83c536cb4de8")]
    [InlineData("{stream_name}", "sales_summary_daily")]
    [InlineData("{connection_id}", "f52c7268-2359-567a-f5e8-83c536cb4de8")]
    [InlineData("{connection_run_id}", "fad1983d-7446-e5c4-bb46-4578affe02d5")]
    [InlineData("{stream_run_id}", "8e28c4bf-11aa-20aa-0ecf-d23c21c73285")]
    [InlineData("{cursor_year}", "2025")]
    [InlineData("{cursor_month}", "04")]
    [InlineData("{cursor_day}", "14")]
    [InlineData("{cursor_date_time}", "2025_04_14_11_23_45")]
    [InlineData("{cursor_iso_date_time}", "2025-04-14T11:23:45Z")]
    [InlineData("{cursor_singular_date_time}", "2025-04-14-11-23-45")]
    [InlineData("{part}", "000000000000")]
    [InlineData("{dump_time}", "2025-04-14T11:23")]
    public void Each_macro_expands_as_documented(string template, string expected)
    {
        Assert.Equal(expected, Expand(template, Values()));
    }

    [Fact]
    public void Every_catalogued_macro_is_covered_by_the_documented_samples()
    {
        foreach (var macro in Macros.All)
        {
            var expanded = Expand(macro.Token, Values());
            if (macro.Kind != MacroKind.StreamName && macro.Kind != MacroKind.Extension)
                Assert.Equal(macro.Sample, expanded);
        }
    }

    [Fact]
    public void A_full_template_expands_literals_and_macros_in_order()
    {
        var key = Expand("exports/{stream_name}/{date}/{connection_run_id}_{part}.{extension}", Values(part: 1, extension: "csv.gz"));

        Assert.Equal("exports/sales_summary_daily/2025_04_14/fad1983d-7446-e5c4-bb46-4578affe02d5_000000000001.csv.gz", key);
    }

    [Theory]
    [InlineData(1, "000000000001")]
    [InlineData(123456789012, "123456789012")]
    [InlineData(1234567890123, "1234567890123")]
    public void Parts_are_twelve_digits_and_never_truncated(long part, string expected)
    {
        Assert.Equal(expected, Expand("{part}", Values(part: part)));
    }

    [Fact]
    public void Times_are_converted_to_utc()
    {
        var local = new DateTimeOffset(2025, 4, 14, 13, 23, 45, TimeSpan.FromHours(2));

        Assert.Equal("2025-04-14T11:23:45Z", Expand("{iso_date_time}", Values(load: local)));
        Assert.Equal("2025_04_14_11_23_45", Expand("{cursor_date_time}", Values(cursor: local)));
    }

    [Fact]
    public void A_leap_day_expands_as_the_29th_of_february()
    {
        var leap = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero);

        Assert.Equal("2024_02_29_23_59_59", Expand("{date_time}", Values(load: leap)));
        Assert.Equal("2024/02/29", Expand("{cursor_year}/{cursor_month}/{cursor_day}", Values(cursor: leap)));
    }

    [Fact]
    public void Years_before_1000_are_zero_padded_to_four_digits()
    {
        var early = new DateTimeOffset(999, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.Equal("0999", Expand("{year}", Values(load: early)));
        Assert.Equal("0999-01-02T03:04:05Z", Expand("{iso_date_time}", Values(load: early)));
        Assert.Equal("0999-01-02-03-04-05", Expand("{cursor_singular_date_time}", Values(cursor: early)));
        Assert.Equal("0007", Expand("{cursor_year}", Values(cursor: new DateTimeOffset(7, 6, 5, 0, 0, 0, TimeSpan.Zero))));
    }

    [Fact]
    public void Midnight_is_hour_zero_of_the_new_day()
    {
        var midnight = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("2025_01_01_00_00_00", Expand("{date_time}", Values(load: midnight)));
        Assert.Equal("00:00:00", Expand("{hour}:{minute}:{second}", Values(load: midnight)));
        Assert.Equal("2025-01-01T00:00", Expand("{dump_time}", Values(load: midnight)));
    }

    [Fact]
    public void A_cursor_macro_without_a_cursor_fails_loudly_rather_than_inventing_a_value()
    {
        var template = KeyTemplate.Parse("{cursor_date_time}");

        Assert.Throws<InvalidOperationException>(() => template.Expand(Values() with { Cursor = null }));
    }

    [Fact]
    public void One_parse_expands_many_keys()
    {
        var template = KeyTemplate.Parse("{stream_name}/{part}.{extension}");

        var keys = Enumerable.Range(0, 3).Select(p => template.Expand(Values(part: p))).ToList();

        Assert.Equal(["sales_summary_daily/000000000000.csv", "sales_summary_daily/000000000001.csv", "sales_summary_daily/000000000002.csv"], keys);
    }

    [Fact]
    public void Long_keys_grow_past_the_stack_buffer()
    {
        var name = new string('n', 700);
        var key = Expand("{stream_name}/{stream_name}", Values() with { StreamName = name });

        Assert.Equal(1401, key.Length);
    }

    [Fact]
    public void Unicode_stream_names_pass_through()
    {
        Assert.Equal("données/zoë.csv", Expand("données/{stream_name}.{extension}", Values() with { StreamName = "zoë" }));
    }
}
