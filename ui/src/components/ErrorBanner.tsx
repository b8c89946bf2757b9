/** A failed load or action, said in the back end's words. Renders nothing without one. */
export function ErrorBanner({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="banner banner--error" role="alert">
      {message}
    </p>
  );
}
