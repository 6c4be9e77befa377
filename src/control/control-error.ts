/**
 * A refusal or failure of a control-socket request, with the HTTP status it is answered with. Its message
 * is for the operator (kuutamoctl prints it as is): what is wrong and what to do.
 */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the control routes answer on an error: kuutamoctl reads `message`. */
export interface ControlErrorBody {
  message: string;
}
