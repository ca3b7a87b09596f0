namespace Portal.Web.Api;

using Microsoft.AspNetCore.Diagnostics;
using Portal.Core.Validation;

/// <summary>
/// Turns exceptions on <c>/api</c> (the only branch it is registered on) into problem details: invalid input is a 400 with a message per
/// field, a missing object a 404, a malformed body a 400, anything else a 500 without internals.
/// </summary>
internal sealed class ApiProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            ValidationException v => Results.ValidationProblem(
                v.Errors.ToDictionary(e => e.Key, e => e.Value), detail: "The request has invalid fields; nothing was saved."),
            BadHttpRequestException bad => Results.Problem(title: "Malformed request", detail: Describe(bad), statusCode: StatusCodes.Status400BadRequest),
            KeyNotFoundException => Results.Problem(title: "Not found", statusCode: StatusCodes.Status404NotFound),
            _ => null,
        };
        if (result is null) return false;
        await result.ExecuteAsync(context);
        return true;
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json
            ? $"The body is not valid JSON for this endpoint: {json.Message}"
            : bad.Message;
}
