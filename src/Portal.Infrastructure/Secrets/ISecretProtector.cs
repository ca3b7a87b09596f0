namespace Portal.Infrastructure.Secrets;

using Portal.Core.Secrets;

/// <summary>Encrypts secrets at rest; each kind under its own Data Protection purpose.</summary>
public interface ISecretProtector
{
    string Protect(SecretKind kind, string plaintext);

    string Unprotect(SecretKind kind, string cipher);
}
