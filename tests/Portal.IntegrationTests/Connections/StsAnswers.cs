namespace Portal.IntegrationTests.Connections;

using System.Net;
using System.Text;

/// <summary>What the loopback STS stand-ins read and answer: the form of a request, AssumeRole's credentials, AccessDenied.</summary>
internal static class StsAnswers
{
    public static async Task<Dictionary<string, string>> ReadFormAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        return (await reader.ReadToEndAsync()).Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
    }

    public static Task DeniedAsync(HttpListenerContext context, string message) => WriteAsync(context, 403,
        $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{System.Security.SecurityElement.Escape(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""");

    public static Task CredentialsAsync(HttpListenerContext context, string accessKey, string secret, string token, DateTime expires) => WriteAsync(context, 200, $"""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
          <Credentials><AccessKeyId>{accessKey}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expires.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}</Expiration></Credentials>
          <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROATEST:s</AssumedRoleId></AssumedRoleUser>
        </AssumeRoleResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></AssumeRoleResponse>
        """);

    private static async Task WriteAsync(HttpListenerContext context, int status, string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
