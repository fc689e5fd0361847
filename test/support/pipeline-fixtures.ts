/** Pipeline YAML the task-process tests and the conformance tour both publish. */

/** A local command component with its own image + conda environment and code from ../src (az ml registers both anonymously). */
export const SCORE_COMPONENT = `type: command
name: score
version: 1
inputs:
  model_input:
    type: uri_folder
outputs:
  scores:
    type: uri_folder
code: ../src
environment:
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
  conda_file: ./conda.yml
command: python score.py --model \${{inputs.model_input}} --out \${{outputs.scores}}
`;
