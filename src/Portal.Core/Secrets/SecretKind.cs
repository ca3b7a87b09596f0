namespace Portal.Core.Secrets;

/// <summary>Kinds of secret; each is encrypted under its own purpose so one cannot be decrypted as another.</summary>
public enum SecretKind
{
    AccessKeySecret,
    SourceConnectionString,
    WebhookSecret,
}
