namespace Portal.Core.Customers;

using Portal.Core.Validation;

/// <summary>What makes a customer valid.</summary>
public static class CustomerRules
{
    public const int MaxNameLength = 200;

    /// <summary>Trims the name and checks it; throws <see cref="ValidationException"/> when it is unusable.</summary>
    public static string NormaliseName(string? name)
    {
        var trimmed = Names.Normalise(name);
        var invisible = Names.InvisibleProblem(trimmed, "A customer name");
        new FieldErrors()
            .Require(trimmed.Length > 0, "name", "A customer needs a name.")
            .Require(trimmed.Length <= MaxNameLength, "name", $"A customer name has at most {MaxNameLength} characters.")
            .Require(invisible is null, "name", invisible ?? "")
            .ThrowIfInvalid();
        return trimmed;
    }
}
