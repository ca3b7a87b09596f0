namespace Portal.Core.Tests.KeyTemplates;

using Portal.Core.KeyTemplates;

public sealed class KeyTemplateLinterTests
{
    private const string Good = "exports/{stream_name}/{date}/{connection_run_id}_{part}.{extension}";

    private static readonly StreamShape Tracks = new("tracks", HasCursor: true);
    private static readonly StreamShape Albums = new("albums", HasCursor: false);

    private static IReadOnlyList<KeyDiagnostic> Lint(string template, string? prefix = null, params StreamShape[] streams) =>
        KeyTemplateLinter.Lint(KeyTemplate.Parse(template), new LintContext(prefix, "csv.gz", streams.Length == 0 ? [Tracks] : streams));

    private static KeyDiagnostic Only(string template, string code, params StreamShape[] streams) =>
        Assert.Single(Lint(template, null, streams), d => d.Code == code);

    [Fact]
    public void A_good_template_has_no_findings()
    {
        Assert.Empty(Lint(Good, "portal/", Tracks, Albums));
    }

    [Fact]
    public void An_empty_template_is_an_error()
    {
        var error = Assert.Single(Lint(""));

        Assert.Equal(("empty_template", DiagnosticSeverity.Error), (error.Code, error.Severity));
    }

    [Fact]
    public void Syntax_errors_are_lint_errors()
    {
        var codes = Lint("a}/{strem_name}/{date").Select(d => d.Code).ToList();

        Assert.Contains("stray_brace", codes);
        Assert.Contains("unknown_macro", codes);
        Assert.Contains("unclosed_brace", codes);
    }

    [Fact]
    public void A_cursor_macro_on_a_stream_without_a_cursor_column_is_an_error_naming_the_stream()
    {
        var error = Only("{stream_name}/{cursor_date_time}/{part}.{extension}", "cursor_without_column", Tracks, Albums);

        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(14, error.Position);
        Assert.Contains("'albums'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'tracks'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_macros_are_fine_when_every_stream_has_a_cursor()
    {
        Assert.DoesNotContain(Lint("{stream_name}/{cursor_date_time}_{part}.{extension}", null, Tracks), d => d.Code == "cursor_without_column");
    }

    [Fact]
    public void A_leading_slash_is_an_error_at_position_zero()
    {
        var error = Only("/{stream_name}/{date}_{part}.{extension}", "leading_slash");

        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void A_double_slash_is_an_error_at_its_position()
    {
        var error = Only("{stream_name}//{date}_{part}.{extension}", "double_slash");

        Assert.Equal((13, 2), (error.Position, error.Length));
    }

    [Theory]
    [InlineData('\\')]
    [InlineData('^')]
    [InlineData('%')]
    [InlineData('`')]
    [InlineData('[')]
    [InlineData(']')]
    [InlineData('"')]
    [InlineData('<')]
    [InlineData('>')]
    [InlineData('~')]
    [InlineData('#')]
    [InlineData('|')]
    [InlineData('\t')]
    [InlineData('\u0000')]
    [InlineData('\u007f')]
    [InlineData('\u0085')]
    [InlineData('\u200b')]
    public void Characters_s3_advises_against_are_errors_at_their_position(char c)
    {
        var error = Only($"ab{c}/{{stream_name}}_{{date}}_{{part}}.{{extension}}", "invalid_character");

        Assert.Equal(2, error.Position);
    }

    [Theory]
    [InlineData("données/é-ü_ß.{stream_name}/{date}_{part}.{extension}")]
    [InlineData("with space/{stream_name}/{date}_{part}.{extension}")]
    [InlineData("emoji-😀/{stream_name}/{date}_{part}.{extension}")]
    public void Printable_unicode_and_spaces_are_allowed(string template)
    {
        Assert.DoesNotContain(Lint(template), d => d.Code == "invalid_character");
    }

    [Fact]
    public void An_unpaired_surrogate_is_non_printable()
    {
        Assert.Contains(Lint("a\ud800b/{stream_name}_{date}_{part}.{extension}"), d => d.Code == "invalid_character" && d.Position == 1);
    }

    [Fact]
    public void Keys_that_can_exceed_1024_utf8_bytes_are_errors()
    {
        // 1,000 literal bytes + "_" + 12-digit part + "." + "csv.gz" = 1,020 bytes: fits.
        var fits = new string('a', 1000) + "_{part}.{extension}";
        Assert.DoesNotContain(Lint(fits), d => d.Code == "key_too_long");

        // Two-byte characters count twice: 500 × 'é' is 1,000 bytes as well.
        var accents = new string('é', 500) + "_{part}.{extension}";
        Assert.DoesNotContain(Lint(accents), d => d.Code == "key_too_long");

        // A prefix of 5 bytes ("data/") tips it over.
        Assert.Contains(Lint(fits, "data"), d => d.Code == "key_too_long");
        Assert.Contains(Lint(new string('é', 503) + "_{part}.{extension}"), d => d.Code == "key_too_long");
    }

    [Fact]
    public void Key_length_uses_the_longest_real_stream_name()
    {
        var longName = new StreamShape(new string('ü', 420), false); // 840 bytes: 200 + 1 + 840 + 20 > 1,024
        var template = new string('x', 200) + "/{stream_name}_{part}.{extension}";

        Assert.DoesNotContain(Lint(template, null, Tracks), d => d.Code == "key_too_long");
        Assert.Contains(Lint(template, null, Tracks, longName), d => d.Code == "key_too_long");
    }

    [Fact]
    public void Several_streams_without_a_stream_macro_warn()
    {
        var warning = Only("exports/{date}_{part}.{extension}", "not_unique_streams", Tracks, Albums);

        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.DoesNotContain(Lint("exports/{date}_{part}.{extension}", null, Tracks), d => d.Code == "not_unique_streams");
        Assert.DoesNotContain(Lint("exports/{stream_id}/{date}_{part}.{extension}", null, Tracks, Albums), d => d.Code == "not_unique_streams");
    }

    [Fact]
    public void A_template_without_part_warns_that_parts_overwrite_each_other()
    {
        Assert.Equal(DiagnosticSeverity.Warning, Only("{stream_name}/{date}.{extension}", "not_unique_parts").Severity);
    }

    [Theory]
    [InlineData("{stream_name}/{part}.{extension}", true)]
    [InlineData("{stream_name}/{date}/{part}.{extension}", false)]
    [InlineData("{stream_name}/{connection_run_id}_{part}.{extension}", false)]
    [InlineData("{stream_name}/{stream_run_id}_{part}.{extension}", false)]
    [InlineData("{stream_name}/{cursor_date_time}_{part}.{extension}", false)]
    [InlineData("{dump_time}/{stream_name}/{stream_name}_{part}.{extension}", false)]
    public void A_template_without_time_run_id_or_cursor_warns_that_runs_overwrite_each_other(string template, bool warns)
    {
        Assert.Equal(warns, Lint(template).Any(d => d.Code == "not_unique_runs"));
    }

    [Theory]
    [InlineData("{stream_name}/{date}_{part}.{extension}/")]
    [InlineData("{stream_name}/{date}_{part}.{extension}.")]
    public void A_key_ending_in_a_dot_or_slash_warns(string template)
    {
        var warning = Only(template, "trailing_dot_or_slash");

        Assert.Equal(template.Length - 1, warning.Position);
    }

    [Fact]
    public void A_missing_extension_warns()
    {
        Only("{stream_name}/{date}_{part}.csv", "extension_missing");
    }

    [Fact]
    public void An_extension_not_at_the_end_warns_at_the_macro()
    {
        var warning = Only("{stream_name}/{date}.{extension}_{part}", "extension_not_at_end");

        Assert.Equal(21, warning.Position);
    }

    [Fact]
    public void Errors_come_before_warnings()
    {
        var findings = Lint("{date}/{nope}");

        Assert.Equal(DiagnosticSeverity.Error, findings[0].Severity);
        Assert.Equal(DiagnosticSeverity.Warning, findings[^1].Severity);
    }
}
