namespace Portal.Core.Tests.Validation;

using CsCheck;
using Portal.Core.Validation;

public sealed class NamesTests
{
    [Theory]
    [InlineData("Acme\u200b")]       // zero-width space
    [InlineData("Ac\u202eme")]       // right-to-left override
    [InlineData("\u2066Acme")]       // left-to-right isolate
    [InlineData("Acme\u00ad")]       // soft hyphen
    [InlineData("Ac\u0007me")]       // bell
    [InlineData("Acme\u2028")]       // line separator
    [InlineData("Acme\ufeff")]       // byte-order mark
    public void Characters_that_do_not_show_are_refused_by_code_point(string name)
    {
        var problem = Names.InvisibleProblem(name, "A customer name");
        Assert.NotNull(problem);
        Assert.Contains("U+", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("Zoë & Söhne GmbH")]
    [InlineData("東京データ")]
    [InlineData("Emoji 🚀 Analytics")]
    public void Visible_names_of_any_script_are_fine(string name) => Assert.Null(Names.InvisibleProblem(name, "A name"));

    [Fact]
    public void Two_spellings_of_one_name_are_the_same_name()
    {
        Assert.True(Names.Same("Cafe\u0301", "Café"));
        Assert.True(Names.Same("ACME", "acme"));
        Assert.True(Names.Same("Über", "über"));
        Assert.False(Names.Same("Acme", "Acne"));
        Assert.Equal("Café", Names.Normalise(" Cafe\u0301 "));
    }

    [Fact]
    public void Normalising_is_idempotent_and_never_makes_a_visible_name_invisible() =>
        Gen.String.Sample(s =>
        {
            var once = Names.Normalise(s);
            return Names.Normalise(once) == once && (Names.InvisibleProblem(s, "x") is not null || Names.InvisibleProblem(once, "x") is null);
        });
}
