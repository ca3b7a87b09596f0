namespace Portal.Core.Tests.Validation;

using Portal.Core.Validation;

public sealed class FieldErrorsTests
{
    [Fact]
    public void Collects_several_messages_per_field_and_throws_them_together()
    {
        var errors = new FieldErrors()
            .Require(false, "bucket", "too short")
            .Require(true, "bucket", "never added")
            .Add("bucket", "bad character")
            .Add("region", "unknown");

        var thrown = Assert.Throws<ValidationException>(errors.ThrowIfInvalid);

        Assert.Equal(["too short", "bad character"], thrown.Errors["bucket"]);
        Assert.Equal(["unknown"], thrown.Errors["region"]);
        Assert.Contains("bucket: too short bad character", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_input_does_not_throw()
    {
        var errors = new FieldErrors().Require(true, "name", "x");

        Assert.True(errors.IsValid);
        errors.ThrowIfInvalid();
    }
}
