namespace Portal.Infrastructure.Secrets;

using Microsoft.AspNetCore.DataProtection;
using Portal.Core.Secrets;

/// <summary>
/// ASP.NET Core Data Protection with one purpose string per kind of secret: a connection string
/// cannot be decrypted as an access key, and the key ring (kept in the portal's database) rotates
/// keys without re-encrypting stored values.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    public string Protect(SecretKind kind, string plaintext) => For(kind).Protect(plaintext);

    public string Unprotect(SecretKind kind, string cipher) => For(kind).Unprotect(cipher);

    private IDataProtector For(SecretKind kind) => provider.CreateProtector("Portal.Secrets.v1", kind.ToString());
}
