variable "region" {
  description = "AWS region to deploy into (the EIF must be built with the same --region)."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "nitrosign"
}

variable "allowed_client_cidrs" {
  description = "Networks of the services that call the API."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate for the API's HTTPS listener."
  type        = string
}

variable "public_base_url" {
  description = "The API's public base URL as clients sign requests for it (https, a name of certificate_arn, no trailing slash). The EIF must be built with the same --public-base-url."
  type        = string
}

variable "extra_key_admin_arns" {
  description = "Key administrators besides the principal running Terraform (they manage, never use, the sealing keys)."
  type        = list(string)
  default     = []
}

variable "enclave_pcr0_values" {
  description = "PCR0 of the EIF(s) allowed to use the sealing keys (pcr.json). Empty on the first apply; old and new during an upgrade."
  type        = list(string)
  default     = []
}

variable "enclave_pcr8_values" {
  description = "PCR8 of a signed EIF (pcr.json), to require the signing certificate too. Optional."
  type        = list(string)
  default     = []
}

variable "eif_s3_uri" {
  description = "s3:// URI of the uploaded nitrosign.eif. Null on the first apply."
  type        = string
  default     = null
}

variable "eif_sha256" {
  description = "sha256sum of nitrosign.eif."
  type        = string
  default     = null
}

variable "parent_host_s3_uri" {
  description = "s3:// URI of the parent host tar.gz (parent-host.jar and lib/)."
  type        = string
  default     = null
}

variable "parent_host_sha256" {
  description = "sha256sum of the parent host tar.gz."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "Nitro instance type with enclave support."
  type        = string
  default     = "m6i.xlarge"
}

variable "instance_count" {
  description = "Parent instances (each runs one enclave)."
  type        = number
  default     = 2
}

variable "enclave_cpu_count" {
  description = "vCPUs reserved for each enclave."
  type        = number
  default     = 2
}

variable "enclave_memory_mib" {
  description = "Memory reserved for each enclave, MiB."
  type        = number
  default     = 3072
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
