namespace Portal.Core.Tests.KeyTemplates;

using Portal.Core.KeyTemplates;

public sealed class KeyTemplateParseTests
{
    [Fact]
    public void Splits_a_template_into_literals_and_macros_with_positions()
    {
        var template = KeyTemplate.Parse("a/{date}/b");

        Assert.Collection(template.Segments,
            s => Assert.Equal(("a/", 0, 2), (s.Literal, s.Position, s.Length)),
            s => Assert.Equal((MacroKind.Date, 2, 6), (s.Macro, s.Position, s.Length)),
            s => Assert.Equal(("/b", 8, 2), (s.Literal, s.Position, s.Length)));
    }

    [Fact]
    public void An_unknown_macro_is_reported_with_its_position_and_the_nearest_macro()
    {
        var error = Assert.Single(KeyTemplate.Parse("exports/{strem_name}.csv").SyntaxErrors);

        Assert.Equal("unknown_macro", error.Code);
        Assert.Equal(8, error.Position);
        Assert.Equal(12, error.Length);
        Assert.Contains("{stream_name}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{Date}", "{date}")]
    [InlineData("{date-time}", "{date_time}")]
    [InlineData("{cursor_datetime}", "{cursor_date_time}")]
    [InlineData("{ext}", null)]
    [InlineData("{banana}", null)]
    public void Suggestions_are_made_only_when_a_macro_is_close(string template, string? suggestion)
    {
        var error = Assert.Single(KeyTemplate.Parse(template).SyntaxErrors);

        if (suggestion is null) Assert.DoesNotContain("Did you mean", error.Message, StringComparison.Ordinal);
        else Assert.Contains($"Did you mean {suggestion}?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/{date", 2)]
    [InlineData("{date/{part}", 0)]
    [InlineData("x{", 1)]
    public void An_unclosed_brace_is_reported_at_the_brace(string template, int position)
    {
        var error = Assert.Single(KeyTemplate.Parse(template).SyntaxErrors, e => e.Code == "unclosed_brace");

        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void A_stray_closing_brace_is_reported_at_the_brace()
    {
        var error = Assert.Single(KeyTemplate.Parse("a}/{date}").SyntaxErrors);

        Assert.Equal(("stray_brace", 1), (error.Code, error.Position));
    }

    [Fact]
    public void An_empty_macro_is_unknown()
    {
        var error = Assert.Single(KeyTemplate.Parse("a/{}").SyntaxErrors);

        Assert.Equal(("unknown_macro", 2, 2), (error.Code, error.Position, error.Length));
    }

    [Fact]
    public void Macro_names_are_case_sensitive()
    {
        Assert.Single(KeyTemplate.Parse("{STREAM_NAME}").SyntaxErrors);
    }

    [Fact]
    public void The_macros_used_are_known_after_parsing()
    {
        var template = KeyTemplate.Parse("{stream_name}/{cursor_date_time}_{part}");

        Assert.True(template.UsesCursor);
        Assert.Equal(new HashSet<MacroKind> { MacroKind.StreamName, MacroKind.CursorDateTime, MacroKind.Part }, template.Uses);
    }
}
