namespace Portal.Core.Tests.Customers;

using Portal.Core.Customers;
using Portal.Core.Validation;

public sealed class CustomerRulesTests
{
    [Fact]
    public void Names_are_trimmed()
    {
        Assert.Equal("Acme Corp", CustomerRules.NormaliseName("  Acme Corp \t"));
    }

    [Theory]
    [InlineData(null, "A customer needs a name.")]
    [InlineData("   ", "A customer needs a name.")]
    [InlineData("Acme\u0007", "A customer name cannot contain U+0007 (a control character): it does not show, so two names could look the same.")]
    public void Unusable_names_are_refused_with_a_field_message(string? name, string message)
    {
        var error = Assert.Throws<ValidationException>(() => CustomerRules.NormaliseName(name));

        Assert.Equal([message], error.Errors["name"]);
    }

    [Fact]
    public void Names_longer_than_the_limit_are_refused()
    {
        Assert.Throws<ValidationException>(() => CustomerRules.NormaliseName(new string('a', CustomerRules.MaxNameLength + 1)));
        Assert.Equal(CustomerRules.MaxNameLength, CustomerRules.NormaliseName(new string('a', CustomerRules.MaxNameLength)).Length);
    }
}
