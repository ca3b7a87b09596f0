namespace Portal.Core.Customers;

using Portal.Core.Validation;

/// <summary>What makes a customer valid.</summary>
public static class CustomerRules
{
    public const int MaxNameLength = 200;

    /// <summary>Trims the name and checks it; throws <see cref="ValidationException"/> when it is unusable.</summary>
    public static string NormaliseName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        new FieldErrors()
            .Require(trimmed.Length > 0, "name", "A customer needs a name.")
            .Require(trimmed.Length <= MaxNameLength, "name", $"A customer name has at most {MaxNameLength} characters.")
            .Require(!trimmed.Any(char.IsControl), "name", "A customer name cannot contain control characters.")
            .ThrowIfInvalid();
        return trimmed;
    }
}
