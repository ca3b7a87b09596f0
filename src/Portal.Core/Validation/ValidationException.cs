namespace Portal.Core.Validation;

/// <summary>Input that cannot be saved; carries a message per field. Nothing was changed.</summary>
public sealed class ValidationException : Exception
{
    public ValidationException(FieldErrors errors) : base(errors.ToString()) => Errors = errors.ToDictionary();

    public ValidationException(string field, string message) : this(new FieldErrors().Add(field, message)) { }

    public ValidationException() : this(new FieldErrors()) { }

    public ValidationException(string message) : this("", message) { }

    public ValidationException(string message, Exception innerException) : base(message, innerException) => Errors = new Dictionary<string, string[]>();

    public IReadOnlyDictionary<string, string[]> Errors { get; } = new Dictionary<string, string[]>();
}
